"""Reads about agencies, officers and whether their credentials still hold."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from rest_framework.authtoken.models import Token

from apps.core.text import fold_text

from .models import Agency, AgencyAlias, Officer

#: How a file names its reporting agency: (country code, name, kind or "").
AgencyName = tuple[str, str, str]


def agencies_of_countries(countries: Iterable[str]) -> dict[str, list[Agency]]:
    """The agencies of each country, by name."""
    found: dict[str, list[Agency]] = defaultdict(list)
    for agency in Agency.objects.filter(country_id__in=set(countries)).order_by("name"):
        found[agency.country_id].append(agency)
    return found


def agencies_resolve(names: Iterable[AgencyName]) -> dict[AgencyName, int | None]:
    """The agency each (country, name, kind) names, or None: an agency of that country
    whose name folds (apps/core/text.fold_text) to the same, else an alias of that country.

    The kind only chooses between agencies whose names fold alike; it never picks an
    agency of another name. Two queries, whatever the number of names.
    """
    names = set(names)
    countries = {country for country, _, _ in names}
    by_name: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for pk, country, name, kind in Agency.objects.filter(country_id__in=countries).values_list(
        "pk", "country_id", "name", "kind"
    ):
        by_name[country, fold_text(name)].append((pk, kind))
    aliases = dict(
        ((country, folded), agency_id)
        for country, folded, agency_id in AgencyAlias.objects.filter(
            country_id__in=countries
        ).values_list("country_id", "folded", "agency_id")
    )
    found: dict[AgencyName, int | None] = {}
    for key in names:
        country, name, kind = key
        folded = fold_text(name)
        candidates = by_name.get((country, folded), [])
        if len(candidates) > 1 and kind:
            candidates = [c for c in candidates if c[1] == kind] or candidates
        if len(candidates) == 1:
            found[key] = candidates[0][0]
        else:
            # No agency of that name, or several (then only an alias says which).
            found[key] = aliases.get((country, folded))
    return found


def token_expires_at(token: Token) -> datetime:
    """When an API token stops working: API_TOKEN_TTL_HOURS after it was issued."""
    return token.created + timedelta(hours=settings.API_TOKEN_TTL_HOURS)


def token_expired(token: Token) -> bool:
    return token_expires_at(token) <= timezone.now()


def live_tokens() -> QuerySet[Token]:
    """Tokens that have not expired, of active officers: the only door to a token."""
    cutoff = timezone.now() - timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    return Token.objects.filter(created__gt=cutoff, user__is_active=True)


def officer_signed_in(
    officer_id: int, *, token: str | None, session_key: str | None
) -> Officer | None:
    """The officer, read now, while the account is active and the credential
    the socket opened with still holds; None otherwise."""
    if token is not None:
        found = live_tokens().select_related("user").filter(key=token, user_id=officer_id).first()
        return found.user if found else None
    officer = Officer.objects.filter(pk=officer_id, is_active=True).first()
    if officer is None or session_key is None:
        return None
    store: SessionBase = import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key)
    data = store.load()
    if str(data.get(SESSION_KEY)) != str(officer_id):
        return None
    if data.get(HASH_SESSION_KEY) != officer.get_session_auth_hash():
        return None
    return officer


def officer_still_signed_in(officer_id: int, *, token: str | None, session_key: str | None) -> bool:
    """True while the account is active and the credential the socket opened with holds."""
    return officer_signed_in(officer_id, token=token, session_key=session_key) is not None


def officers_signed_in(
    keys: list[tuple[int, str | None, str | None]],
) -> dict[tuple, Officer | None]:
    """officer_signed_in for many (officer id, token, session key) at once.

    Token-authenticated sockets, the many, cost one query together; session
    ones are checked one by one.
    """
    tokens = {key[1] for key in keys if key[1] is not None}
    by_token = {t.key: t.user for t in live_tokens().select_related("user").filter(key__in=tokens)}
    found: dict[tuple, Officer | None] = {}
    for key in keys:
        officer_id, token, session_key = key
        if token is not None:
            user = by_token.get(token)
            found[key] = user if user is not None and user.pk == officer_id else None
        else:
            found[key] = officer_signed_in(officer_id, token=None, session_key=session_key)
    return found
