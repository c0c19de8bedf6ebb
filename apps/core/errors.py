"""REST errors: field errors as one level of paths, like the WebSocket `error` event."""

from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler as drf_exception_handler

from apps.reports.inputs import flatten_errors


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError) and isinstance(response.data, dict):
        response.data = flatten_errors(response.data)
    return response
