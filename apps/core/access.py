"""Refusals that selectors raise and every edge translates the same way.

HTTP: NotFound -> 404, Forbidden -> 403 (`apps.core.errors.exception_handler`
for the API; `as_http` for the pages). Sockets close with 4404 / 4403.
"""


class NotFound(Exception):
    """No such object, or one the officer may not know exists."""


class Forbidden(Exception):
    """The object exists for this officer, but this use of it is not theirs."""
