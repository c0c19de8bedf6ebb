"""HTTP edge errors shared by every app: JSON under /api/, pages elsewhere.

- Django's own 400/403/404/500 answers are HTML pages; an API client gets
  `{"detail": ...}` instead, and the 404 of an unknown /api/ path no longer
  needs the static files manifest to render.
- A NUL character in any query parameter or form field is refused with 400
  before a view sees it: PostgreSQL cannot store or compare it, so it used to
  end in a 500 deep inside a query.
"""

from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

API_PREFIX = "/api/"
NUL = "\x00"
NUL_MESSAGE = "Null characters are not allowed."
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _json_or(page: Callable, status: int, detail: str):
    def handler(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if is_api(request):
            return JsonResponse({"detail": detail}, status=status)
        return page(request, *args, **kwargs)

    return handler


bad_request = _json_or(defaults.bad_request, 400, "Bad request.")
permission_denied = _json_or(
    defaults.permission_denied, 403, "You do not have permission to perform this action."
)
page_not_found = _json_or(defaults.page_not_found, 404, "Not found.")
server_error = _json_or(defaults.server_error, 500, "Server error.")


def _fields_with_nul(request: HttpRequest) -> list[str]:
    queries = [request.GET]
    # API bodies are the parsers' and serializers' to read (DRF refuses a NUL in a
    # string field, and a form body where JSON is expected with 415): reading the form
    # here would leave DRF an exhausted stream and a misleading 400.
    if request.method == "POST" and request.content_type in FORM_TYPES and not is_api(request):
        try:
            queries.append(request.POST)
        except RequestDataTooBig:
            pass  # the view answers that, as it would without this check
    names = []
    for query in queries:
        for name, values in query.lists():
            if NUL in name or any(isinstance(v, str) and NUL in v for v in values):
                names.append(name.replace(NUL, "\\x00"))
    return names


class RefuseNulMiddleware:
    """400 for a NUL in any query parameter or form field (field errors; JSON under /api/)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        names = _fields_with_nul(request)
        if not names:
            return self.get_response(request)
        errors = {name: [NUL_MESSAGE] for name in names}
        if is_api(request):
            return JsonResponse(errors, status=400)
        text = "\n".join(f"{name}: {NUL_MESSAGE}" for name in names)
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
