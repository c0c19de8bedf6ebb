"""Writes for countries, agencies and officers, and the officers' credentials."""

import logging

from django.contrib.auth import logout
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from rest_framework.authtoken.models import Token

from apps.core.events import publish_on_commit
from apps.core.text import fold_text

from .events import access_changed, officer_group
from .models import Agency, AgencyAlias, AgencyKind, Country, Officer, Role
from .selectors import token_expired

audit = logging.getLogger("commandcentre.audit")


class AccountError(ValueError):
    pass


def agency_get_or_create(*, country: str, name: str, kind: str) -> Agency:
    """The agency of that name in that country, created with `kind` if new."""
    if not Country.objects.filter(code=country.upper()).exists():
        raise AccountError(f"Unknown country code {country!r}: use ISO 3166-1 alpha-2.")
    if kind not in AgencyKind.values:
        raise AccountError(f"Unknown agency kind {kind!r}.")
    agency, _ = Agency.objects.get_or_create(
        country_id=country.upper(), name=name, defaults={"kind": kind}
    )
    return agency


def agency_alias_add(*, agency: Agency, name: str, officer: Officer | None = None) -> AgencyAlias:
    """Record `name` as another name of `agency` in its country (imports then find it).

    The same name (folded) again points it at `agency`. Refused when the name is
    empty once folded, or is the name of another agency of that country (unless
    several agencies' names fold alike: then the alias says which one it means).
    """
    name = " ".join(name.split())
    folded = fold_text(name)
    if not folded or len(name) > 200:
        raise AccountError("An alias needs letters or digits (at most 200 characters).")
    namesakes = [
        other
        for other in Agency.objects.filter(country_id=agency.country_id)
        if fold_text(other.name) == folded
    ]
    # An agency's own name wins over aliases; when several agencies' names fold
    # alike, an alias says which one the name means.
    if len(namesakes) == 1 and namesakes[0] != agency:
        raise AccountError(f"{name!r} is the name of {namesakes[0]} already.")
    alias = AgencyAlias.objects.filter(country_id=agency.country_id, folded=folded).first()
    if alias is not None and alias.agency_id == agency.pk:
        return alias
    alias, _ = AgencyAlias.objects.update_or_create(
        country_id=agency.country_id,
        folded=folded,
        defaults={"name": name, "agency": agency, "created_by": officer},
    )
    audit.info(
        "agency alias %r (%s) = agency=%s by=%s",
        name,
        agency.country_id,
        agency.pk,
        officer.username if officer else "-",
    )
    return alias


@transaction.atomic
def officer_create(
    *,
    username: str,
    password: str,
    agency: Agency,
    role: str,
    first_name: str = "",
    last_name: str = "",
) -> Officer:
    """Create an officer of `agency` with a password that passes AUTH_PASSWORD_VALIDATORS
    and an API token."""
    if role not in Role.values:
        raise AccountError(f"Unknown role {role!r}.")
    if Officer.objects.filter(username=username).exists():
        raise AccountError(f"An officer named {username!r} already exists.")
    officer = Officer(
        username=username, agency=agency, role=role, first_name=first_name, last_name=last_name
    )
    try:
        validate_password(password, user=officer)
    except ValidationError as exc:
        raise AccountError("Password refused: " + " ".join(exc.messages)) from exc
    officer.set_password(password)
    officer.save()
    Token.objects.create(user=officer)
    return officer


# --- credentials and access ---------------------------------------------------
# Each service that takes access away publishes access.changed to the officer's
# sockets on commit; they re-check at once and close (4403) what no longer holds.


def officer_access_changed(*, officer: Officer) -> None:
    """Tell every open socket of `officer` to re-check its access once this commits."""
    publish_on_commit(officer_group(officer.pk), access_changed(officer_id=officer.pk))


def token_issue(*, officer: Officer) -> Token:
    """The officer's API token: the current one while it lives, a new one once it expired."""
    token, _ = Token.objects.get_or_create(user=officer)
    if token_expired(token):
        Token.objects.filter(pk=token.pk).delete()
        token, _ = Token.objects.get_or_create(user=officer)
    return token


def token_revoke(*, officer: Officer, address: str = "") -> bool:
    """Delete the officer's API token; the sockets it opened close. False if there was none."""
    with transaction.atomic():
        deleted, _ = Token.objects.filter(user=officer).delete()
        if deleted:
            officer_access_changed(officer=officer)
    audit.info("token revoked=%s by=%s from=%s", bool(deleted), officer.username, address or "-")
    return bool(deleted)


def officer_sign_out(request: HttpRequest) -> None:
    """End the request's session; the sockets it opened close."""
    officer = request.user if request.user.is_authenticated else None
    logout(request)  # the session is gone before any socket re-checks it
    if officer is not None:
        officer_access_changed(officer=officer)
        audit.info("signout by=%s from=%s", officer.username, request.META.get("REMOTE_ADDR", "-"))


@transaction.atomic
def officer_deactivate(*, officer: Officer) -> None:
    """Deactivate an account: no sign-in, no token, and its open sockets close at once."""
    Officer.objects.filter(pk=officer.pk).update(is_active=False)
    officer.is_active = False
    officer_access_changed(officer=officer)
    audit.info("deactivated officer=%s", officer.username)
