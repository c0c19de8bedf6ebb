"""REST authentication by `Authorization: Token <key>`, with the tokens' lifetime."""

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from apps.core.prepared import PreparedQuery

from .selectors import token_expired

# The token, its officer and their agency: one query, compiled once per process.
_token_with_officer: PreparedQuery[Token] = PreparedQuery(
    lambda key: Token.objects.select_related("user", "user__agency").filter(key=key)[:1], str
)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication; a token older than API_TOKEN_TTL_HOURS is refused.

    The officer comes with their agency in the same query: every post needs it.
    """

    def authenticate_credentials(self, key):
        token = _token_with_officer.first(key)
        if token is None:
            raise AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        if token_expired(token):
            raise AuthenticationFailed("Token expired; sign in again for a new one.")
        return token.user, token
