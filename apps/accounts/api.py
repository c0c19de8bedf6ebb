"""REST edge for API tokens: sign in for a token, revoke it."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import parsers, serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .backends import signin_locked_seconds
from .selectors import token_expires_at
from .services import token_issue, token_revoke

TokenOut = inline_serializer(
    "TokenOut",
    {
        "token": serializers.CharField(),
        "expires_at": serializers.DateTimeField(help_text="API_TOKEN_TTL_HOURS after issue"),
    },
)
ErrorOut = inline_serializer("AuthError", {"detail": serializers.CharField()})


class AuthTokenView(APIView):
    parser_classes = (parsers.JSONParser, parsers.FormParser, parsers.MultiPartParser)
    throttle_classes = ()  # the sign-in lock (apps/accounts/signin.py) guards this door

    def _signing_in(self) -> bool:
        return getattr(self.request, "method", None) == "POST"

    def get_authenticators(self):
        # Signing in takes no credential but the password: an expired token
        # in the header must not stand in the way of getting a new one.
        return [] if self._signing_in() else super().get_authenticators()

    def get_permissions(self):
        return [] if self._signing_in() else [IsAuthenticated()]

    @extend_schema(
        request=AuthTokenSerializer,
        responses={
            200: TokenOut,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description="wrong username or password (field errors)"
            ),
            429: OpenApiResponse(
                ErrorOut, description="too many failed sign-ins for the account or the address"
            ),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        """Sign in: the caller's API token (the current one while it lives) and when it expires."""
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            locked = signin_locked_seconds(request)
            if locked:
                raise Throttled(
                    wait=locked,
                    detail="Too many failed sign-ins for this account or from this address.",
                )
            raise ValidationError(serializer.errors)
        token = token_issue(officer=serializer.validated_data["user"])
        return Response({"token": token.key, "expires_at": token_expires_at(token)})

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description="the token is revoked"),
            401: OpenApiResponse(ErrorOut, description="no valid credentials"),
            403: OpenApiResponse(ErrorOut, description="a session without its CSRF token"),
        },
    )
    def delete(self, request: Request) -> Response:
        """Revoke my API token now; every socket it opened closes with 4403."""
        token_revoke(officer=request.user, address=request.META.get("REMOTE_ADDR", ""))
        return Response(status=status.HTTP_204_NO_CONTENT)
