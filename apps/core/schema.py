"""What every REST edge's OpenAPI description shares: error bodies, error responses, closed bodies.

The error responses are declared once here and listed per view by status code, so a view's
schema names every status it can answer with (schemathesis holds the API to it).
"""

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer
from rest_framework import serializers


class ClosedSerializer(serializers.Serializer):
    """A body with exactly the declared keys: documented with `additionalProperties: false`."""


class ClosedSerializerSchema(OpenApiSerializerExtension):
    target_class = ClosedSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        return {**schema, "additionalProperties": False}


class FieldErrorsOut(serializers.Serializer):
    """Documented by FieldErrorsSchema: its keys are the paths of the bad fields."""


class FieldErrorsSchema(OpenApiSerializerExtension):
    target_class = FieldErrorsOut

    def get_name(self, auto_schema, direction):
        return "FieldErrors"

    def map_serializer(self, auto_schema, direction):
        return {
            "type": "object",
            "description": "Each bad field's path mapped to its messages "
            '(`non_field_errors` for the body as a whole), e.g. `{"parcel.weight_g": '
            '["Ensure this value is greater than or equal to 1."]}`.',
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "minProperties": 1,
        }


class DetailOut(serializers.Serializer):
    detail = serializers.CharField()

    class Meta:
        ref_name = "Detail"


BAD_REQUEST = PolymorphicProxySerializer(
    component_name="BadRequest",
    serializers=[FieldErrorsOut, DetailOut],
    resource_type_field_name=None,
)

ERRORS: dict[int, OpenApiResponse] = {
    400: OpenApiResponse(
        BAD_REQUEST,
        description="Invalid input: field errors, or a `detail` for a body that is not JSON; "
        "nothing was changed.",
    ),
    401: OpenApiResponse(DetailOut, description="No credentials, or credentials not valid."),
    403: OpenApiResponse(
        DetailOut, description="Not allowed to do this here; nothing was changed."
    ),
    404: OpenApiResponse(
        DetailOut, description="No such object among those the caller may see (or no such page)."
    ),
    415: OpenApiResponse(
        DetailOut, description="The body is not of a media type this operation takes."
    ),
    429: OpenApiResponse(
        DetailOut, description="Too many requests; `Retry-After` says when to try again."
    ),
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """The shared error responses for these status codes, and 401 (every endpoint needs a login)."""
    return {code: ERRORS[code] for code in sorted({401, *codes})}
