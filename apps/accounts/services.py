"""Writes for countries, agencies and officers."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from .models import Agency, Country, Officer


class AccountError(ValueError):
    pass


def agency_get_or_create(*, country: str, name: str, kind: str) -> Agency:
    """The agency of that name in that country, created with `kind` if new."""
    if not Country.objects.filter(code=country.upper()).exists():
        raise AccountError(f"Unknown country code {country!r}: use ISO 3166-1 alpha-2.")
    if kind not in dict(Agency._meta.get_field("kind").choices):
        raise AccountError(f"Unknown agency kind {kind!r}.")
    agency, _ = Agency.objects.get_or_create(
        country_id=country.upper(), name=name, defaults={"kind": kind}
    )
    return agency


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
    """Create an officer of `agency` with a usable password and an API token."""
    if role not in dict(Officer._meta.get_field("role").choices):
        raise AccountError(f"Unknown role {role!r}.")
    if Officer.objects.filter(username=username).exists():
        raise AccountError(f"An officer named {username!r} already exists.")
    officer = Officer(
        username=username, agency=agency, role=role, first_name=first_name, last_name=last_name
    )
    officer.set_password(password)
    officer.save()
    Token.objects.create(user=officer)
    return officer
