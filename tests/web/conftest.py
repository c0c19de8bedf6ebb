"""Fixtures of the web tests: a real server and a real browser for the `browser` tests.

The server is `uvicorn commandcentre.asgi:application` in a subprocess on the
embedded default (its own SQLite file, the in-memory channel layer, Celery
tasks in-process), migrated and loaded with the ARMSTRONG VII demo first, so
the browser tests are the same in both CI passes. DEBUG stays off: the pages
are served as in production, static files from the finders.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
DEMO_PASSWORD = "armstrong7"
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DEBUG")}
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        # The settings' test mode: fast password hashing (load_demo makes 53
        # officers), static files from the finders, no HTTPS redirect.
        TESTING="1",
        PYTHONDONTWRITEBYTECODE="1",
        LOG_LEVEL="WARNING",
        AUDIT_LOG_LEVEL="WARNING",
    )
    return env


@pytest.fixture(scope="session")
def web_server() -> Iterator[str]:
    """Base URL of a real ASGI server with the demo loaded."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests")
    workdir = Path(tempfile.mkdtemp(prefix="cc-browser-"))
    env = _server_env(workdir / "db.sqlite3")
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput", "-v0"], ["load_demo", "--password", DEMO_PASSWORD]):
        subprocess.run(
            manage + command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=180
        )
    port = _free_port()
    log = (workdir / "server.log").open("wb")  # closed in the finally below
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "commandcentre.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz/", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError(
                    f"server did not start:\n{(workdir / 'server.log').read_text()[-3000:]}"
                )
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def browser(web_server):
    # Module scope: the sync API keeps an event loop running in this thread
    # while it is open, and Django refuses database calls from other tests then.
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def sign_in(browser, web_server):
    """sign_in(username, viewport=LAPTOP, tz="Europe/Brussels") -> a signed-in page in its own context.

    Each page records script errors and CSP violations in `page.errors`; the test fails
    if any happened.
    """
    contexts = []

    def _sign_in(username: str, *, viewport: dict = LAPTOP, tz: str = "Europe/Brussels"):
        context = browser.new_context(
            viewport=viewport, timezone_id=tz, locale="en-GB", base_url=web_server
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        # what the Content-Security-Policy blocked (an inline script, a style attribute...)
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text and page.errors.append(message.text)
            ),
        )
        page.goto("/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{web_server}/")
        return page

    yield _sign_in
    errors = [e for c in contexts for p in c.pages for e in getattr(p, "errors", [])]
    for context in contexts:
        context.close()
    assert errors == [], f"script errors in the pages: {errors}"


@pytest.fixture
def screenshot():
    """screenshot(page, name) saves artifacts/screenshots/<name>.png (the whole page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shot(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot
