"""Which page origins may open a socket (core/origins.py)."""

import pytest


@pytest.mark.parametrize(
    "origin, allowed",
    [
        ("http://127.0.0.1", True),
        ("https://127.0.0.1", True),
        ("http://localhost", True),
        ("http://127.0.0.1:8000", True),  # the port the socket came in on
        ("HTTP://127.0.0.1:8000/", True),
        ("http://127.0.0.1:9999", False),  # same host, another port: another site
        ("https://127.0.0.1:8443", False),
        ("ftp://127.0.0.1", False),
        ("http://evil.example", False),
        ("http://127.0.0.1.evil.example", False),
        ("http://127.0.0.1/path", False),
        ("http://user@127.0.0.1", False),
        ("null", False),
        ("", False),
        (None, False),
    ],
)
def test_an_origin_is_compared_by_scheme_host_and_port(origin, allowed):
    from apps.core.origins import origin_allowed

    scope = {"headers": [(b"host", b"127.0.0.1:8000")], "server": ("127.0.0.1", 8000)}

    assert origin_allowed(origin, scope) is allowed


def test_with_https_enforced_only_https_origins_are_allowed(settings):
    from apps.core.origins import origin_allowed

    settings.SECURE_SSL_REDIRECT = True
    scope = {"headers": [(b"host", b"cc.example.org")], "server": ("10.0.0.5", 8000)}
    settings.ALLOWED_HOSTS = ["cc.example.org"]

    assert origin_allowed("https://cc.example.org", scope) is True
    assert origin_allowed("http://cc.example.org", scope) is False
    assert origin_allowed("https://cc.example.org:8000", scope) is True  # the server's own port
    assert origin_allowed("https://cc.example.org:9000", scope) is False


def test_trusted_and_configured_origins(settings):
    from apps.core.origins import origin_allowed

    scope = {"headers": [(b"host", b"127.0.0.1:8000")], "server": ("127.0.0.1", 8000)}
    settings.CSRF_TRUSTED_ORIGINS = ["https://proxy.example:8443"]
    assert origin_allowed("https://proxy.example:8443", scope) is True

    # WS_ALLOWED_ORIGINS, once set, is the whole list
    settings.WS_ALLOWED_ORIGINS = ["https://cc.example.org"]
    assert origin_allowed("https://cc.example.org", scope) is True
