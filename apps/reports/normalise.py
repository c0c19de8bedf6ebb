"""Selectors: typed, validated, normalised values that reports are matched on exactly.

Pure Python (no Django, no database). ``normalise(type, value)`` either returns the one
canonical string for a value - so that every way of writing the same phone number,
tracking number, wallet... gives the same string - or raises ``InvalidSelector`` with a
message that can be shown to the officer as a field error.

Every normaliser is idempotent: ``normalise(t, normalise(t, v)) == normalise(t, v)``, so
stored normalised values can be re-normalised safely (e.g. after a rule change).

Fuzzy matching of people, addresses and companies lives in ``names.py``; the keys made
here for those three types are only the *exact* folded keys.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
import unicodedata
from enum import StrEnum
from itertools import product
from string import ascii_uppercase

import phonenumbers
from Crypto.Hash import keccak
from schwifty import IBAN
from schwifty import exceptions as iban_errors
from schwifty import registry as iban_registry
from unidecode import unidecode

__all__ = [
    "FOLDED_TYPES",
    "IBAN_LENGTHS",
    "MAX_VALUE_LENGTH",
    "InvalidSelector",
    "SelectorType",
    "fold_text",
    "is_valid",
    "keccak_256",
    "normalise",
    "normalise_region",
    "s10_check_digit",
    "tracking_number_format",
]


class SelectorType(StrEnum):
    TRACKING_NUMBER = "tracking_number"
    PHONE = "phone"
    EMAIL = "email"
    IBAN = "iban"
    CRYPTO_WALLET = "crypto_wallet"
    IP_ADDRESS = "ip_address"
    ONION_ADDRESS = "onion_address"
    VENDOR_HANDLE = "vendor_handle"
    MARKETPLACE = "marketplace"
    VEHICLE_PLATE = "vehicle_plate"
    PERSON = "person"
    ADDRESS = "address"
    COMPANY = "company"


#: Types whose normalised value is a folded text key (fuzzy matching applies to them too).
FOLDED_TYPES = frozenset({SelectorType.PERSON, SelectorType.ADDRESS, SelectorType.COMPANY})

#: Longest raw value accepted for any selector (an address is the longest real one).
MAX_VALUE_LENGTH = 500


class InvalidSelector(ValueError):
    """A selector value that cannot be normalised; ``message`` is for humans."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------- helpers

_WS_RE = re.compile(r"\s+")


def normalise_region(region: str | None) -> str | None:
    """ISO 3166-1 alpha-2 region for phonenumbers, or None.

    Accepts the EU's own codes too (EL for Greece, UK for the United Kingdom), which
    appear in Europol/Commission data. Unknown codes give None (no default region).
    """
    if not region or not isinstance(region, str):
        return None
    code = region.strip().upper()
    code = {"EL": "GR", "UK": "GB"}.get(code, code)
    return code if code in phonenumbers.SUPPORTED_REGIONS else None


# --------------------------------------------------------------- tracking numbers

_S10_RE = re.compile(r"^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$", re.ASCII)
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_TRACKING_STRIP_RE = re.compile(r"[\s\-]+")
_UPS_RE = re.compile(r"^1Z[0-9A-Z]{16}$")
_FEDEX_RE = re.compile(r"^(?:\d{12}|\d{15}|\d{20}|\d{22})$", re.ASCII)
_DHL_RE = re.compile(r"^\d{10}$", re.ASCII)


def s10_check_digit(serial: str) -> int:
    """UPU S10 check digit of an 8-digit serial number."""
    total = sum(int(d) * w for d, w in zip(serial, _S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 10:
        return 0
    if check == 11:
        return 5
    return check


def tracking_number_format(normalised: str) -> str:
    """Which format a *normalised* tracking number has: s10, ups, fedex, dhl or generic.

    FedEx and DHL are recognised by length only, so a 12-digit number of another
    carrier is also called "fedex": use it as a hint, never as a fact.
    """
    if _S10_RE.match(normalised):
        return "s10"
    if _UPS_RE.match(normalised):
        return "ups"
    if _FEDEX_RE.match(normalised):
        return "fedex"
    if _DHL_RE.match(normalised):
        return "dhl"
    return "generic"


def _tracking_number(value: str) -> str:
    v = _TRACKING_STRIP_RE.sub("", unicodedata.normalize("NFKC", value)).upper()
    if not v:
        raise InvalidSelector("tracking number is empty")
    m = _S10_RE.match(v)
    if m:
        expected = s10_check_digit(m.group(2))
        given = int(m.group(3))
        if expected != given:
            raise InvalidSelector(f"S10 check digit is {expected}, not {given}")
        return v
    if not v.isascii() or not v.isalnum():
        raise InvalidSelector(
            "a tracking number may contain only letters, digits, spaces and dashes"
        )
    if len(v) < 8:
        raise InvalidSelector("tracking number is too short (at least 8 letters or digits)")
    if len(v) > 40:
        raise InvalidSelector("tracking number is too long (at most 40 letters or digits)")
    if not any(c.isdigit() for c in v):
        # Every carrier format we know of has digits; a word is not a tracking number.
        raise InvalidSelector("a tracking number must contain digits")
    # UPS (1Z + 16), FedEx (12/15/20/22 digits), DHL (10 digits) and the carriers' other
    # alphanumeric formats (8-40 letters and digits) are accepted as they are once
    # upper-cased and stripped; see tracking_number_format() for the guess of a carrier.
    return v


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


# -------------------------------------------------------------------------- IBAN


def _iban_lengths() -> dict[str, int]:
    """IBAN length by country: schwifty's copy of the SWIFT IBAN registry (ISO 13616),
    without the "aspirational" formats that are not in the registry."""
    lengths = {}
    for code in map("".join, product(ascii_uppercase, repeat=2)):
        try:
            spec = iban_registry.get_iban_spec(code)
        except iban_errors.InvalidCountryCode:
            continue
        if not spec.aspirational:
            lengths[code] = spec.iban_length
    return lengths


#: IBAN length by country (SWIFT IBAN registry, ISO 13616).
IBAN_LENGTHS: dict[str, int] = _iban_lengths()

_IBAN_STRIP_RE = re.compile(r"[\s\-.]+")


def _iban(value: str) -> str:
    v = _IBAN_STRIP_RE.sub("", unicodedata.normalize("NFKC", value)).upper()
    v = v.removeprefix("IBAN")
    if not v.isascii() or not v.isalnum():
        raise InvalidSelector("an IBAN may contain only letters and digits")
    if len(v) < 5 or not v[:2].isalpha() or not v[2:4].isdigit():
        raise InvalidSelector("an IBAN starts with a country code and two check digits")
    country = v[:2]
    expected = IBAN_LENGTHS.get(country)
    if expected is None:
        raise InvalidSelector(f"{country} is not a country that uses IBAN")
    if len(v) != expected:
        raise InvalidSelector(f"an IBAN of {country} has {expected} characters, not {len(v)}")
    try:
        IBAN(v)  # the registry's account format, then ISO 7064 mod 97-10
    except iban_errors.InvalidChecksumDigits:
        raise InvalidSelector("IBAN check digits are wrong (mod 97)") from None
    except iban_errors.SchwiftyException:
        raise InvalidSelector(f"not an account number of the IBAN format of {country}") from None
    return v


# ---------------------------------------------------------------- crypto wallets

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58_ALPHABET)}


def b58decode(s: str) -> bytes:
    """Bitcoin base58 decoding (leading '1's are leading zero bytes)."""
    n = 0
    for c in s:
        i = _B58_INDEX.get(c)
        if i is None:
            raise ValueError(f"not a base58 character: {c!r}")
        n = n * 58 + i
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    pad = len(s) - len(s.lstrip("1"))
    return b"\x00" * pad + body


def _sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def keccak_256(data: bytes) -> bytes:
    """Original Keccak-256 (padding 0x01), as used by Ethereum and Monero.

    Not hashlib.sha3_256: the standard SHA-3 pads differently and gives other digests.
    """
    return keccak.new(digest_bits=256, data=data).digest()


# bech32 / bech32m (BIP 173, BIP 350)
_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {c: i for i, c in enumerate(_BECH32_CHARSET)}
_BECH32_CONST = 1
_BECH32M_CONST = 0x2BC830A3


def _bech32_polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= gen[i]
    return chk


def _bech32_hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convertbits(data: list[int], frombits: int, tobits: int) -> list[int] | None:
    acc = bits = 0
    out = []
    maxv = (1 << tobits) - 1
    for value in data:
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if bits >= frombits or ((acc << (tobits - bits)) & maxv):
        return None
    return out


def _segwit_address(addr: str) -> str:
    """Validate a bech32/bech32m segwit address; returns it lower-cased."""
    if addr != addr.lower() and addr != addr.upper():
        raise InvalidSelector("a bech32 address cannot mix upper and lower case")
    a = addr.lower()
    if len(a) > 90:
        raise InvalidSelector("a bech32 address has at most 90 characters")
    pos = a.rfind("1")
    hrp, data_part = a[:pos], a[pos + 1 :]
    if hrp in ("tb", "bcrt"):
        raise InvalidSelector("this is a Bitcoin testnet address, not a real wallet")
    if hrp != "bc" or len(data_part) < 6:
        raise InvalidSelector("not a valid Bitcoin bech32 address")
    if any(c not in _BECH32_INDEX for c in data_part):
        raise InvalidSelector("a bech32 address has a character outside its alphabet")
    data = [_BECH32_INDEX[c] for c in data_part]
    const = _bech32_polymod(_bech32_hrp_expand(hrp) + data)
    if const not in (_BECH32_CONST, _BECH32M_CONST):
        raise InvalidSelector("Bitcoin address checksum is wrong")
    version = data[0]
    program = _convertbits(data[1:-6], 5, 8)
    if version > 16 or program is None or not 2 <= len(program) <= 40:
        raise InvalidSelector("not a valid Bitcoin segwit address")
    if version == 0 and (len(program) not in (20, 32) or const != _BECH32_CONST):
        raise InvalidSelector("not a valid Bitcoin segwit v0 address")
    if version != 0 and const != _BECH32M_CONST:
        raise InvalidSelector("not a valid Bitcoin segwit address (bech32m expected)")
    return a


def _base58_btc_address(addr: str) -> str:
    if not 26 <= len(addr) <= 35:
        raise InvalidSelector("a Bitcoin address has 26 to 35 characters")
    try:
        raw = b58decode(addr)
    except ValueError:
        raise InvalidSelector("a Bitcoin address has a character outside base58") from None
    if len(raw) != 25:
        raise InvalidSelector("not a valid Bitcoin address")
    if _sha256d(raw[:21])[:4] != raw[21:]:
        raise InvalidSelector("Bitcoin address checksum is wrong")
    if raw[0] in (0x6F, 0xC4):
        raise InvalidSelector("this is a Bitcoin testnet address, not a real wallet")
    if raw[0] not in (0x00, 0x05):  # P2PKH, P2SH
        raise InvalidSelector("not a Bitcoin mainnet address")
    return addr


_ETH_RE = re.compile(r"^0[xX]([0-9a-fA-F]{40})$")


def eip55_checksum_ok(hex40: str) -> bool:
    digest = keccak_256(hex40.lower().encode("ascii")).hex()
    for c, h in zip(hex40, digest, strict=False):
        if c.isalpha() and c.isupper() != (int(h, 16) >= 8):
            return False
    return True


def _eth_address(addr: str) -> str:
    m = _ETH_RE.match(addr)
    if not m:
        raise InvalidSelector("an Ethereum address is 0x followed by 40 hexadecimal digits")
    hex40 = m.group(1)
    mixed = hex40 != hex40.lower() and hex40 != hex40.upper()
    if mixed and not eip55_checksum_ok(hex40):
        raise InvalidSelector("Ethereum address checksum (EIP-55 capitalisation) is wrong")
    return "0x" + hex40.lower()


# Monero base58 encodes 8-byte blocks as 11 characters each; the last, shorter block
# uses the length in this table (index = bytes, value = characters).
_XMR_BLOCK_CHARS = (0, 2, 3, 5, 6, 7, 9, 10, 11)
# network byte: 18 standard (starts with 4), 19 integrated (4), 42 subaddress (8)
_XMR_NETBYTES = {95: (18, 42), 106: (19,)}


def _xmr_b58decode(s: str) -> bytes:
    out = bytearray()
    for off in range(0, len(s), 11):
        block = s[off : off + 11]
        size = _XMR_BLOCK_CHARS.index(len(block)) if len(block) in _XMR_BLOCK_CHARS else -1
        if size <= 0:
            raise ValueError("bad block length")
        n = 0
        for c in block:
            n = n * 58 + _B58_INDEX[c]
        if n >> (8 * size):
            raise ValueError("block overflow")
        out += n.to_bytes(size, "big")
    return bytes(out)


def _xmr_address(addr: str) -> str:
    if len(addr) not in _XMR_NETBYTES:
        raise InvalidSelector("a Monero address has 95 (or 106, integrated) characters")
    if any(c not in _B58_INDEX for c in addr):
        raise InvalidSelector("a Monero address has a character outside base58")
    try:
        raw = _xmr_b58decode(addr)
    except ValueError:
        raise InvalidSelector("not a valid Monero address") from None
    if raw[0] not in _XMR_NETBYTES[len(addr)]:
        raise InvalidSelector("not a Monero mainnet address")
    if keccak_256(raw[:-4])[:4] != raw[-4:]:
        raise InvalidSelector("Monero address checksum is wrong")
    return addr


_WALLET_SCHEMES = {
    "btc": "btc", "bitcoin": "btc",
    "eth": "eth", "ethereum": "eth",
    "xmr": "xmr", "monero": "xmr",
}  # fmt: skip


def _crypto_wallet(value: str) -> str:
    v = value.strip()
    chain_hint = None
    # "btc:..."/"eth:..."/"xmr:..." (our own output) and BIP21-style URIs "bitcoin:...?amount="
    m = re.match(r"^([A-Za-z]+):(?://)?(.*)$", v)
    if m and m.group(1).lower() in _WALLET_SCHEMES:
        chain_hint = _WALLET_SCHEMES[m.group(1).lower()]
        v = re.split(r"[?#/]", m.group(2), maxsplit=1)[0].strip()
    if not v:
        raise InvalidSelector("wallet address is empty")
    if v[:2] in ("0x", "0X"):
        chain = "eth"
        out = _eth_address(v)
    elif v[:3].lower() in ("bc1", "tb1") or v[:5].lower() == "bcrt1":
        chain = "btc"
        out = _segwit_address(v)
    elif len(v) in _XMR_NETBYTES and v[0] in "48":
        chain = "xmr"
        out = _xmr_address(v)
    elif v[0] in "123mn" and 26 <= len(v) <= 35:
        chain = "btc"
        out = _base58_btc_address(v)
    else:
        raise InvalidSelector("not a recognised wallet address (Bitcoin, Ethereum or Monero)")
    if chain_hint and chain_hint != chain:
        raise InvalidSelector(f"this is not a {chain_hint} address")
    return f"{chain}:{out}"


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


# -------------------------------------------------------- handles and marketplaces

_HANDLE_DROP_RE = re.compile(r"[^a-z0-9_.\-]+")


def _vendor_handle(value: str) -> str:
    v = unicodedata.normalize("NFKC", value).strip().lstrip("@").strip()
    v = _HANDLE_DROP_RE.sub("", unidecode(v).casefold())
    if not v:
        raise InvalidSelector("vendor handle is empty (letters, digits, _ . - are kept)")
    if len(v) > 100:
        raise InvalidSelector("vendor handle is too long")
    return v


_ALNUM_DROP_RE = re.compile(r"[^a-z0-9]+")
_MARKET_SUFFIX_RE = re.compile(r"(?:marketplace|market)$")


def _marketplace(value: str) -> str:
    """Market name key: "Dream Market", "DreamMarket", "dream-market.onion" -> "dream".

    Rule (deliberately simple): NFKC, transliterate, casefold; drop a ".onion" ending;
    keep only a-z0-9 (spaces and punctuation go); drop ONE trailing "market" or
    "marketplace" if something is left. So "Empire" and "Empire Market" fold together,
    while "Silk Road 2" stays distinct from "Silk Road".
    """
    v = unidecode(unicodedata.normalize("NFKC", value)).casefold().strip()
    v = re.sub(r"\.onion$", "", v)
    v = _ALNUM_DROP_RE.sub("", v)
    stripped = _MARKET_SUFFIX_RE.sub("", v)
    v = stripped or v
    if not v:
        raise InvalidSelector("marketplace name is empty")
    if len(v) > 100:
        raise InvalidSelector("marketplace name is too long")
    return v


# ----------------------------------------------------------------- vehicle plates

# Letters of Cyrillic (BG, MK, RS...) and Greek plates that are written like Latin ones:
# map by shape, not by sound (unidecode would give В->V, Н->N, Р->R, Х->Kh, Η->I...).
_PLATE_HOMOGLYPHS = str.maketrans({
    # Cyrillic
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
})  # fmt: skip
_PLATE_SEPARATORS_RE = re.compile(r"[\s\-.·•_|]+")


def _vehicle_plate(value: str) -> str:
    v = unicodedata.normalize("NFKC", value).upper()
    v = v.translate(_PLATE_HOMOGLYPHS)
    v = _PLATE_SEPARATORS_RE.sub("", v)
    v = unidecode(v).upper()
    v = _PLATE_SEPARATORS_RE.sub("", v)
    if not v:
        raise InvalidSelector("vehicle plate is empty")
    if not v.isascii() or not v.isalnum():
        raise InvalidSelector("a vehicle plate may contain only letters, digits, spaces and dashes")
    if not 2 <= len(v) <= 12:
        raise InvalidSelector("a vehicle plate has 2 to 12 letters and digits")
    return v


# ---------------------------------------------------- people, addresses, companies

_APOSTROPHES_RE = re.compile(r"['`´‘’ʼ]")
_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")


def fold_text(value: str) -> str:
    """NFKC, transliterate to ASCII, casefold, punctuation to spaces, collapse spaces.

    Apostrophes are dropped rather than spaced ("O'Brien" == "OBrien").
    """
    v = unidecode(unicodedata.normalize("NFKC", value)).casefold()
    v = _APOSTROPHES_RE.sub("", v)
    return _NON_ALNUM_RE.sub(" ", v).strip()


def _person(value: str) -> str:
    folded = fold_text(value)
    if not folded:
        raise InvalidSelector("name is empty")
    # Word order varies (family name first in many registers and scripts).
    return " ".join(sorted(folded.split()))


def _address(value: str) -> str:
    folded = fold_text(value)
    if not folded:
        raise InvalidSelector("address is empty")
    return folded


# Legal-form words, written as they are after folding with dots removed ("s.r.o." ->
# "sro", "sp. z o.o." -> "sp z oo", "Α.Ε." -> "ae", "A/S" -> "a s"). Removed only at the
# start or end of the name (Russian "ООО Ромашка" puts it first), repeatedly
# ("GmbH & Co. KG"), and never when nothing would be left.
_LEGAL_FORMS_TEXT = """
ltd limited llc llp lp plc inc incorporated corp corporation co company
gmbh mbh ag kg kgaa ohg ug eg ev se
sa sas sasu sarl eurl snc sca scs
srl srls spa sapa sl slu sau
bv nv vof cv bvba sprl cvba
oy oyj ab hb as asa aps ivs a s
ou uab sia
kft zrt nyrt bt kkt
sro spol s ro as
doo dooel dd ad ood eood ead et
ooo oao zao pao
shpk sha
ae ike epe oe ee
sp z oo spzoo sp zoo
lda ltda sagl ehf hf
"""
_LEGAL_FORMS: frozenset[tuple[str, ...]] = frozenset(
    {
        tuple(form.split())
        for form in (
            "spol s ro",
            "sp z oo",
            "sp zoo",
            "sp z o o",
            "a s",
            # dotted abbreviations typed with spaces: "s. r. o.", "d. o. o.", "S. A."
            "s r o",
            "d o o",
            "s r l",
            "s a",
            "a e",
            "sh p k",
        )
    }
    | {(word,) for word in _LEGAL_FORMS_TEXT.split()}
)
_LEGAL_FORM_MAX_TOKENS = max(len(f) for f in _LEGAL_FORMS)


def _strip_legal_forms(tokens: list[str]) -> list[str]:
    changed = True
    while changed and tokens:
        changed = False
        for n in range(_LEGAL_FORM_MAX_TOKENS, 0, -1):
            if len(tokens) > n and tuple(tokens[-n:]) in _LEGAL_FORMS:
                tokens = tokens[:-n]
                changed = True
                break
            if len(tokens) > n and tuple(tokens[:n]) in _LEGAL_FORMS:
                tokens = tokens[n:]
                changed = True
                break
    return tokens


def _company(value: str) -> str:
    # Dots go before folding so dotted abbreviations collapse: "S.R.L." == "SRL".
    v = unicodedata.normalize("NFKC", value).replace(".", "")
    tokens = fold_text(v).split()
    if not tokens:
        raise InvalidSelector("company name is empty")
    return " ".join(_strip_legal_forms(tokens))


# ------------------------------------------------------------------------- public

_NORMALISERS = {
    SelectorType.TRACKING_NUMBER: _tracking_number,
    SelectorType.EMAIL: _email,
    SelectorType.IBAN: _iban,
    SelectorType.CRYPTO_WALLET: _crypto_wallet,
    SelectorType.IP_ADDRESS: _ip_address,
    SelectorType.ONION_ADDRESS: _onion_address,
    SelectorType.VENDOR_HANDLE: _vendor_handle,
    SelectorType.MARKETPLACE: _marketplace,
    SelectorType.VEHICLE_PLATE: _vehicle_plate,
    SelectorType.PERSON: _person,
    SelectorType.ADDRESS: _address,
    SelectorType.COMPANY: _company,
}


def normalise(selector_type: str, value: str, *, default_region: str | None = None) -> str:
    """Canonical form of ``value`` as a selector of ``selector_type``.

    ``default_region`` (ISO alpha-2, the reporting country) is used for phone numbers
    written without an international prefix. Raises ``InvalidSelector``.
    """
    try:
        stype = SelectorType(selector_type)
    except ValueError:
        known = ", ".join(t.value for t in SelectorType)
        raise InvalidSelector(
            f"unknown selector type {selector_type!r} (expected one of: {known})"
        ) from None
    if not isinstance(value, str):
        raise InvalidSelector("the value must be a string")
    if not value.strip():
        raise InvalidSelector("the value is empty")
    if len(value) > MAX_VALUE_LENGTH:
        raise InvalidSelector(f"the value is too long (at most {MAX_VALUE_LENGTH} characters)")
    if stype is SelectorType.PHONE:
        return _phone(value, default_region)
    return _NORMALISERS[stype](value)


def is_valid(selector_type: str, value: str, *, default_region: str | None = None) -> bool:
    try:
        normalise(selector_type, value, default_region=default_region)
    except InvalidSelector:
        return False
    return True
