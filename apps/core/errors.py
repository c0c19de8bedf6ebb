"""REST errors: field errors as one level of paths, like the WebSocket `error` event."""

from django.core.exceptions import RequestDataTooBig
from rest_framework import status
from rest_framework.exceptions import NotFound as DRFNotFound
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .access import Forbidden, Invalid, NotFound, Refused
from .inputs import flatten_errors


def exception_handler(exc, context):
    if isinstance(exc, Invalid):
        return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Refused):
        exc = DRFPermissionDenied(exc.message)
    elif isinstance(exc, NotFound):
        exc = DRFNotFound(str(exc) or None)
    elif isinstance(exc, Forbidden):
        exc = DRFPermissionDenied(str(exc) or None)
    if isinstance(exc, RequestDataTooBig):
        # Django would answer with its HTML 400 page; an API client needs the JSON error.
        return Response(
            {"non_field_errors": ["The request body is too large."]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    response = drf_exception_handler(exc, context)
    if (
        response is not None
        and isinstance(exc, ValidationError)
        and isinstance(response.data, dict)
    ):
        response.data = flatten_errors(response.data)
    return response
