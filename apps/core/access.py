"""Refusals that services and selectors raise, and every edge translates the same way.

| refusal   | REST (`apps.core.errors`)  | socket (`CommandCentreConsumer.send_refusal`) |
| --------- | -------------------------- | --------------------------------------------- |
| Invalid   | 400, the field errors      | `error` `invalid` with `errors`               |
| Refused   | 403 `{"detail"}`           | `error` with the refusal's own code           |
| NotFound  | 404 `{"detail"}`           | `error` `not_found` (or close 4404 on connect) |
| Forbidden | 403 `{"detail"}`           | `error` `forbidden` (or close 4403 on connect) |

Pages translate them to their forms and to Http404 / PermissionDenied.
"""


class NotFound(Exception):
    """No such object, or one the officer may not know exists."""


class Forbidden(Exception):
    """The object exists for this officer, but this use of it is not theirs."""


class Invalid(Exception):
    """Bad input; `errors` maps field paths to messages ({"parcel.weight_g": [...]})."""

    message = "The input has errors."

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


class Refused(Exception):
    """The officer may not do this here (now); `code` says why, for clients to act on."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
