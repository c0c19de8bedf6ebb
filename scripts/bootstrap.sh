#!/usr/bin/env bash
# Create .venv with a Python >= 3.12 and install the pinned requirements.
# Re-running is cheap: it reinstalls only when requirements.txt changed.
set -euo pipefail
cd "$(dirname "$0")/.."

MIN_MINOR=12

python_ok() {  # prints the interpreter's path if it is CPython 3.12+
    "$1" -c "import sys; sys.exit(0 if sys.version_info >= (3, $MIN_MINOR) else 1)" 2>/dev/null
}

find_python() {
    local candidates=()
    [ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
    candidates+=(python3.13 python3.12 python3.14)
    for dir in "$HOME"/.pyenv/versions/3.1[2-9]* /usr/local/bin /usr/bin; do
        for exe in "$dir"/bin/python3 "$dir"/python3.1[2-9]; do
            [ -x "$exe" ] && candidates+=("$exe")
        done
    done
    candidates+=(python3 python)
    for candidate in "${candidates[@]}"; do
        local path
        # pyenv shims answer for versions that are not selected: ask for real
        path=$(PYENV_VERSION="" command -v "$candidate" 2>/dev/null || true)
        [ -z "$path" ] && [ -x "$candidate" ] && path="$candidate"
        [ -z "$path" ] && continue
        if python_ok "$path"; then
            echo "$path"
            return 0
        fi
    done
    return 1
}

if [ -x .venv/bin/python ] && ! python_ok .venv/bin/python; then
    echo "bootstrap: .venv has an old Python; making a new one" >&2
    rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
    if ! PY=$(find_python); then
        echo "bootstrap: no Python 3.$MIN_MINOR or newer found." >&2
        echo "  Install one (e.g. 'pyenv install 3.12', or your OS's python3.12 package)," >&2
        echo "  or point PYTHON at it: PYTHON=/path/to/python3.12 make demo" >&2
        exit 1
    fi
    echo "bootstrap: creating .venv with $PY ($("$PY" --version))" >&2
    "$PY" -m venv .venv
fi

stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "bootstrap: installing requirements" >&2
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
    echo "$want" > "$stamp"
fi
