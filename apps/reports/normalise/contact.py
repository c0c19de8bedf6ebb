"""Contact: phone numbers, e-mail addresses, IP addresses, onion addresses."""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
import unicodedata

import phonenumbers

from .base import InvalidSelector, normalise_region

# Keep phonenumbers' compiled metadata patterns rather than look each up in the re
# module's bounded cache on every use (a tenth of a phone number's time).
phonenumbers.enable_pattern_cache()

# ------------------------------------------------------------------------ phones


def _phone(value: str, default_region: str | None) -> str:
    region = normalise_region(default_region)
    raw = value.strip()
    candidates = [raw]
    compact = re.sub(r"[\s().\-/]", "", raw)
    if compact.startswith("00"):
        # 00 is the international prefix nearly everywhere; phonenumbers only knows that
        # when the default region uses it (not for None, US "011", AU "0011"...), so we
        # also try it as "+". Tried second so a region's own reading wins.
        candidates.append("+" + compact[2:])
    number = None
    for candidate in candidates:
        try:
            parsed = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            number = parsed
            break
    if number is None:
        if region and not raw.startswith("+"):
            raise InvalidSelector(f"not a valid phone number for region {region}")
        if not raw.startswith("+") and not compact.startswith("00"):
            raise InvalidSelector(
                "not a valid phone number (give it in international form, e.g. +30 ...)"
            )
        raise InvalidSelector("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# ------------------------------------------------------------------------ e-mail

# atext of RFC 5322 plus the dot; non-ASCII letters are allowed (RFC 6531, SMTPUTF8).
_EMAIL_LOCAL_BAD_RE = re.compile(r"[\s\"(),:;<>@\[\\\]\x00-\x1f\x7f]")
_DOMAIN_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def _email(value: str) -> str:
    v = value.strip()
    if v.lower().startswith("mailto:"):
        v = v[7:]
    v = v.strip().strip("<>").strip()
    if v.count("@") != 1:
        raise InvalidSelector("an e-mail address needs exactly one @")
    local, domain = v.split("@")
    # The whole address is lower-cased: the local part is case-sensitive in theory but
    # no real provider treats it so. We do NOT strip "+tags" or dots (Gmail ignores them,
    # most providers do not: "a+b@x" and "a@x" may be different mailboxes), so such
    # variants stay distinct selectors; fuzzy review can spot them.
    local = unicodedata.normalize("NFC", local).lower()
    if not local or len(local.encode("utf-8")) > 64:
        raise InvalidSelector("the part before @ must have 1 to 64 characters")
    if _EMAIL_LOCAL_BAD_RE.search(local):
        raise InvalidSelector("the part before @ contains a character not allowed in e-mail")
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise InvalidSelector("the part before @ cannot start or end with a dot or have two dots")
    domain = domain.rstrip(".").lower()
    if not domain:
        raise InvalidSelector("the e-mail domain is missing")
    try:
        # Python's built-in IDNA 2003 codec: stable across machines, no extra dependency.
        ascii_domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise InvalidSelector("the e-mail domain is not a valid domain name") from None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or len(ascii_domain) > 253:
        raise InvalidSelector("the e-mail domain is not a valid domain name")
    if not all(_DOMAIN_LABEL_RE.match(label) for label in labels) or labels[-1].isdigit():
        raise InvalidSelector("the e-mail domain is not a valid domain name")
    return f"{local}@{ascii_domain}"


# ------------------------------------------------------------------ IP addresses


def _ip_address(value: str) -> str:
    v = value.strip()
    if v.startswith("[") and v.endswith("]"):
        v = v[1:-1]
    v = v.split("%", 1)[0]  # an IPv6 zone ("%eth0") only means something on one host
    try:
        ip = ipaddress.ip_address(v)
    except ValueError:
        raise InvalidSelector("not a valid IPv4 or IPv6 address") from None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return ip.compressed


# ---------------------------------------------------------------- onion addresses

_ONION_V3_RE = re.compile(r"^[a-z2-7]{56}$")
_ONION_V2_RE = re.compile(r"^[a-z2-7]{16}$")


def onion_v3_checksum(pubkey: bytes, version: int = 3) -> bytes:
    return hashlib.sha3_256(b".onion checksum" + pubkey + bytes([version])).digest()[:2]


def _onion_address(value: str) -> str:
    v = value.strip().lower()
    v = re.sub(r"^[a-z][a-z0-9+.\-]*://", "", v)  # scheme
    v = re.split(r"[/?#]", v, maxsplit=1)[0]  # path, query
    v = v.rsplit("@", 1)[-1]  # user info
    v = re.sub(r":\d+$", "", v).rstrip(".")  # port, FQDN dot
    if not v.endswith(".onion"):
        raise InvalidSelector("an onion address ends with .onion")
    host = v[: -len(".onion")].rsplit(".", 1)[-1]  # drop subdomains
    if _ONION_V2_RE.match(host):
        raise InvalidSelector(
            "v2 onion addresses (16 characters) are deprecated and no longer work; "
            "give the v3 address (56 characters)"
        )
    if not _ONION_V3_RE.match(host):
        raise InvalidSelector("a v3 onion address has 56 characters a-z and 2-7 before .onion")
    raw = base64.b32decode(host.upper())
    pubkey, checksum, version = raw[:32], raw[32:34], raw[34]
    # Checksum first: a mistyped last character changes the version byte too, and
    # "checksum is wrong" is the useful message then.
    if onion_v3_checksum(pubkey, version) != checksum:
        raise InvalidSelector("onion address checksum is wrong (a character is mistyped?)")
    if version != 3:
        raise InvalidSelector(f"onion address version byte is {version}, not 3")
    return host + ".onion"
