"""Template helpers of the pages: the header's alert count, who analyses, flags, UTC times."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html

from apps.intel.services import officer_may_analyse

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def new_alert_count(context) -> int:
    """How many of the signed-in officer's alerts are new (the socket keeps it live)."""
    user = context["request"].user
    if not user.is_authenticated:
        return 0
    return selectors.new_alert_count(user)


@register.simple_tag(takes_context=True)
def may_analyse(context, operation) -> bool:
    """Whether the signed-in officer is an analyst or coordinator of the operation."""
    return officer_may_analyse(context["request"].user, operation)


@register.filter
def flag(code: str | None) -> str:
    """The flag emoji of an ISO 3166-1 alpha-2 code ("" if it is not one)."""
    if not code or len(code) != 2 or not code.isascii() or not code.isalpha():
        return ""
    return "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in code.upper())


@register.simple_tag
def utc_time(value: datetime | None, style: str = "datetime"):
    """A <time> in UTC that the page's script shows in the viewer's zone, zone named."""
    if value is None:
        return ""
    utc = value.astimezone(timezone.UTC)
    return format_html(
        '<time datetime="{}" data-style="{}">{} UTC</time>',
        utc.isoformat().replace("+00:00", "Z"),
        style,
        utc.strftime("%Y-%m-%d %H:%M"),
    )


@register.filter
def grouped(value) -> str:
    """42124 -> "42,124" in the page's language (press releases group thousands)."""
    if value is None or value == "":
        return "0"
    return number_format(value, force_grouping=True)


@register.filter
def spaced(value: str) -> str:
    """tracking_number -> tracking number."""
    return str(value).replace("_", " ")
