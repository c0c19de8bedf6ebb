.PHONY: demo test venv bench-fanout

demo:  ## install everything and run the demo at http://127.0.0.1:8000
	scripts/demo.sh

test:  ## install everything and run the whole test suite
	scripts/test.sh

venv:
	scripts/bootstrap.sh
