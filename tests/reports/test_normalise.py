"""Selector normalisation: valid, invalid and equivalent real-world forms per type."""

import base64
import hashlib
import random

import pytest

from apps.reports.normalise import (
    FOLDED_TYPES,
    InvalidSelector,
    SelectorType,
    is_valid,
    keccak_256,
    normalise,
    normalise_region,
    s10_check_digit,
    tracking_number_format,
)

pytestmark = pytest.mark.once  # no database or services: the first pass only


def invalid_message(selector_type, value, region=None):
    with pytest.raises(InvalidSelector) as excinfo:
        normalise(selector_type, value, default_region=region)
    return str(excinfo.value)


def test_selector_types():
    assert [t.value for t in SelectorType] == [
        "tracking_number", "phone", "email", "iban", "crypto_wallet", "ip_address",
        "onion_address", "vendor_handle", "marketplace", "vehicle_plate", "person",
        "address", "company",
    ]  # fmt: skip
    assert FOLDED_TYPES == {"person", "address", "company"}
    assert issubclass(InvalidSelector, ValueError)


# ------------------------------------------------------------- tracking numbers


def _s10_by_hand(serial: str) -> int:
    """The UPU S10 rule written out again, independently of the module."""
    total = sum(int(d) * w for d, w in zip(serial, [8, 6, 4, 2, 3, 5, 9, 7]))
    check = 11 - (total % 11)
    return {10: 0, 11: 5}.get(check, check)


@pytest.mark.parametrize(
    ("serial", "check"),
    [
        # 1*8+2*6+3*4+4*2+5*3+6*5+7*9+8*7 = 204; 204 % 11 = 6; 11 - 6 = 5
        ("12345678", 5),
        # 9*8+8*6+7*4+6*2+5*3+4*5+3*9+2*7 = 236; 236 % 11 = 5; 11 - 5 = 6
        ("98765432", 6),
        # sum 0 -> 11 - 0 = 11 -> 5
        ("00000000", 5),
        # 8*7 = 56; 56 % 11 = 1 -> 11 - 1 = 10 -> 0
        ("00000008", 0),
    ],
)
def test_s10_check_digit(serial, check):
    assert s10_check_digit(serial) == check
    assert _s10_by_hand(serial) == check


def test_s10_check_digit_agrees_with_the_rule_on_random_serials():
    rng = random.Random(7)
    for _ in range(500):
        serial = "".join(rng.choice("0123456789") for _ in range(8))
        assert s10_check_digit(serial) == _s10_by_hand(serial)


@pytest.mark.parametrize(
    "value",
    [
        "RR123456785GR",
        "RR 123 456 785 GR",
        "rr-123-456-785-gr",
        " RR 12345678 5 GR ",
        "ＲＲ123456785ＧＲ",
    ],
)
def test_s10_equivalent_forms(value):
    assert normalise("tracking_number", value) == "RR123456785GR"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("CX 987 654 326 FR", "CX987654326FR"),
        ("EE000000005GR", "EE000000005GR"),
        ("CP000000080DE", "CP000000080DE"),
    ],
)
def test_s10_valid(value, expected):
    assert normalise("tracking_number", value) == expected
    assert tracking_number_format(expected) == "s10"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("RR 123 456 783 GR", "S10 check digit is 5, not 3"),
        ("CX987654321FR", "S10 check digit is 6, not 1"),
        ("CP000000085DE", "S10 check digit is 0, not 5"),
    ],
)
def test_s10_wrong_check_digit(value, message):
    assert invalid_message("tracking_number", value) == message


@pytest.mark.parametrize(
    ("value", "expected", "fmt"),
    [
        ("1Z 999 AA1 0123 4567 84", "1Z999AA10123456784", "ups"),
        ("1z999aa10123456784", "1Z999AA10123456784", "ups"),
        ("1234 5678 9012", "123456789012", "fedex"),
        ("123456789012345", "123456789012345", "fedex"),
        ("1234567890", "1234567890", "dhl"),
        ("JJD0001234567890", "JJD0001234567890", "generic"),
        ("LY-4521-XZ-88", "LY4521XZ88", "generic"),
    ],
)
def test_carrier_formats(value, expected, fmt):
    assert normalise("tracking_number", value) == expected
    assert tracking_number_format(expected) == fmt


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("RR12345", "tracking number is too short (at least 8 letters or digits)"),
        ("RR-123-456-78!", "a tracking number may contain only letters, digits, spaces and dashes"),
        ("ABCDEFGHIJ", "a tracking number must contain digits"),
        ("1" * 41, "tracking number is too long (at most 40 letters or digits)"),
        ("- - -", "tracking number is empty"),
    ],
)
def test_tracking_number_garbage(value, message):
    assert invalid_message("tracking_number", value) == message


# ------------------------------------------------------------------------ phones


@pytest.mark.parametrize(
    ("value", "region", "expected"),
    [
        # Greece: mobile and Athens landline
        ("694 123 4567", "GR", "+306941234567"),
        ("6941234567", "GR", "+306941234567"),
        ("+30 694 123 4567", "DE", "+306941234567"),
        ("0030 694 123 4567", "GR", "+306941234567"),
        ("0030 694 123 4567", None, "+306941234567"),
        ("(+30) 694-123-4567", None, "+306941234567"),
        ("694 123 4567", "EL", "+306941234567"),  # the EU's code for Greece
        ("210 3456789", "GR", "+302103456789"),
        ("+30 210 345 6789", None, "+302103456789"),
        # Albania
        ("069 204 5678", "AL", "+355692045678"),
        ("+355 69 204 5678", "GR", "+355692045678"),
        ("00355692045678", "AL", "+355692045678"),
        # Bulgaria
        ("0888 123 456", "BG", "+359888123456"),
        ("+359 888 123 456", "GR", "+359888123456"),
        ("00359888123456", "US", "+359888123456"),  # US dials 011, 00 still understood
        # North Macedonia
        ("070 123 456", "MK", "+38970123456"),
        ("+389 70 123 456", "DE", "+38970123456"),
        # Germany: Berlin landline and mobile
        ("030 901820", "DE", "+4930901820"),
        ("+49 30 901820", "GR", "+4930901820"),
        ("0151 23456789", "DE", "+4915123456789"),
        ("+49 151 2345 6789", "GR", "+4915123456789"),
        # United States
        ("(202) 456-1111", "US", "+12024561111"),
        ("202.456.1111", "US", "+12024561111"),
        ("+1 202-456-1111", "GR", "+12024561111"),
        ("011 30 694 123 4567", "US", "+306941234567"),
        ("tel:+1-202-456-1111", None, "+12024561111"),
    ],
)
def test_phone(value, region, expected):
    assert normalise("phone", value, default_region=region) == expected


@pytest.mark.parametrize(
    ("value", "region", "message"),
    [
        ("12345", "GR", "not a valid phone number for region GR"),
        ("0888 123 456", "GR", "not a valid phone number for region GR"),
        (
            "694 123 4567",
            None,
            "not a valid phone number (give it in international form, e.g. +30 ...)",
        ),
        ("+30 123", "GR", "not a valid phone number"),
        ("+999 123456", None, "not a valid phone number"),
        ("call me", "DE", "not a valid phone number for region DE"),
    ],
)
def test_phone_invalid(value, region, message):
    assert invalid_message("phone", value, region) == message


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("gr", "GR"),
        ("EL", "GR"),
        ("UK", "GB"),
        ("XK", "XK"),
        ("ZZ", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_region(region, expected):
    assert normalise_region(region) == expected


# ------------------------------------------------------------------------ e-mail


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("John.Doe@Example.COM", "john.doe@example.com"),
        ("  john.doe@example.com. ", "john.doe@example.com"),
        ("mailto:<Info@Example.COM>", "info@example.com"),
        # plus tags are kept: "a+b@x" and "a@x" are different mailboxes at most providers
        ("k.petrov+guns@gmail.com", "k.petrov+guns@gmail.com"),
        ("owner@Bücher.Example", "owner@xn--bcher-kva.example"),
        ("ανδρέας@παράδειγμα.ελ", "ανδρέας@xn--hxajbheg2az3al.xn--qxam"),
        ("o'neil@abv.bg", "o'neil@abv.bg"),
    ],
)
def test_email(value, expected):
    assert normalise("email", value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("john.doe.example.com", "an e-mail address needs exactly one @"),
        ("a@b@example.com", "an e-mail address needs exactly one @"),
        ("bad@", "the e-mail domain is missing"),
        ("@example.com", "the part before @ must have 1 to 64 characters"),
        ("a..b@example.com", "the part before @ cannot start or end with a dot or have two dots"),
        ("a b@example.com", "the part before @ contains a character not allowed in e-mail"),
        ("a@localhost", "the e-mail domain is not a valid domain name"),
        ("a@-example.com", "the e-mail domain is not a valid domain name"),
        ("a@example.123", "the e-mail domain is not a valid domain name"),
        ("a@exa_mple.com", "the e-mail domain is not a valid domain name"),
    ],
)
def test_email_invalid(value, message):
    assert invalid_message("email", value) == message


# -------------------------------------------------------------------------- IBAN


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("DE89370400440532013000", "DE89370400440532013000"),
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("de89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("GB82WEST12345698765432", "GB82WEST12345698765432"),
        ("IBAN GB82-WEST-1234-5698-7654-32", "GB82WEST12345698765432"),
        ("AL47 2121 1009 0000 0002 3569 8741", "AL47212110090000000235698741"),
        ("GR16 0110 1250 0000 0001 2300 695", "GR1601101250000000012300695"),
        ("BG80 BNBG 9661 1020 3456 78", "BG80BNBG96611020345678"),
        ("MK07 2501 2000 0058 984", "MK07250120000058984"),
        ("NL91 ABNA 0417 1643 00", "NL91ABNA0417164300"),
        # in the IBAN registry (with the British and Finnish formats), missing from the
        # hand-written table this replaced
        ("JE90 NWBK 6016 1331 9268 19", "JE90NWBK60161331926819"),
        ("AX21 1234 5600 0007 85", "AX2112345600000785"),
    ],
)
def test_iban(value, expected):
    assert normalise("iban", value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("GB82WEST12345698765433", "IBAN check digits are wrong (mod 97)"),
        ("DE88370400440532013000", "IBAN check digits are wrong (mod 97)"),
        ("DE89 3704 0044 0532 0130 0", "an IBAN of DE has 22 characters, not 21"),
        ("XX89370400440532013000", "XX is not a country that uses IBAN"),
        ("US12345678901234", "US is not a country that uses IBAN"),
        ("1234567890", "an IBAN starts with a country code and two check digits"),
        ("DE89_3704", "an IBAN may contain only letters and digits"),
        # a British account number starts with the bank's four letters
        ("GB82 1234 1234 5698 7654 32", "not an account number of the IBAN format of GB"),
    ],
)
def test_iban_invalid(value, message):
    assert invalid_message("iban", value) == message


# ---------------------------------------------------------------- crypto wallets


def test_keccak_256_vectors():
    assert keccak_256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )
    assert keccak_256(b"abc").hex() == (
        "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
    )


GENESIS = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
XMR_DONATION = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Bitcoin legacy P2PKH (the genesis block address) and P2SH
        (GENESIS, f"btc:{GENESIS}"),
        (f"  {GENESIS} ", f"btc:{GENESIS}"),
        (f"bitcoin:{GENESIS}?amount=0.1", f"btc:{GENESIS}"),
        (f"btc:{GENESIS}", f"btc:{GENESIS}"),
        ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "btc:3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
        # bech32 segwit v0 and bech32m taproot (BIP 173 / BIP 350 examples)
        (
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "btc:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        ),
        (
            "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ",
            "btc:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        ),
        (
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
            "btc:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        ),
        (
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
            "btc:bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        ),
        # Ethereum: EIP-55 examples (mixed case, checksum verified), all-lower, all-upper
        (
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "eth:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
        ),
        (
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "eth:0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359",
        ),
        (
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
            "eth:0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb",
        ),
        (
            "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
            "eth:0xd1220a0cf47c7b9be7a2e6ba89f429762e7b9adb",
        ),
        (
            "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
            "eth:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
        ),
        (
            "0X5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED",
            "eth:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
        ),
        (
            "ethereum:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "eth:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
        ),
        # Monero: the project's published donation address (keccak checksum verified)
        (XMR_DONATION, f"xmr:{XMR_DONATION}"),
        (f"monero:{XMR_DONATION}", f"xmr:{XMR_DONATION}"),
    ],
)
def test_crypto_wallet(value, expected):
    assert normalise("crypto_wallet", value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", "Bitcoin address checksum is wrong"),
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0", "a Bitcoin address has a character outside base58"),
        (
            "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn",
            "this is a Bitcoin testnet address, not a real wallet",
        ),
        ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdw", "Bitcoin address checksum is wrong"),
        (
            "bc1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ",
            "a bech32 address cannot mix upper and lower case",
        ),
        (
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdb",
            "a bech32 address has a character outside its alphabet",
        ),
        (
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
            "Ethereum address checksum (EIP-55 capitalisation) is wrong",
        ),
        ("0x123", "an Ethereum address is 0x followed by 40 hexadecimal digits"),
        (
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg",
            "an Ethereum address is 0x followed by 40 hexadecimal digits",
        ),
        (XMR_DONATION[:-1] + "B", "Monero address checksum is wrong"),
        (XMR_DONATION[:-1] + "0", "a Monero address has a character outside base58"),
        ("btc:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "this is not a btc address"),
        ("hello", "not a recognised wallet address (Bitcoin, Ethereum or Monero)"),
    ],
)
def test_crypto_wallet_invalid(value, message):
    assert invalid_message("crypto_wallet", value) == message


# ------------------------------------------------------------------ IP addresses


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("185.220.101.4", "185.220.101.4"),
        (" 8.8.8.8 ", "8.8.8.8"),
        ("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("fe80::1%eth0", "fe80::1"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("::ffff:c000:0201", "192.0.2.1"),
        ("::1", "::1"),
    ],
)
def test_ip_address(value, expected):
    assert normalise("ip_address", value) == expected


@pytest.mark.parametrize(
    "value", ["256.1.1.1", "192.168.001.1", "1.2.3", "10.0.0.0/8", "2001:db8:::1", "example.com"]
)
def test_ip_address_invalid(value):
    assert invalid_message("ip_address", value) == "not a valid IPv4 or IPv6 address"


# ---------------------------------------------------------------- onion addresses


def make_onion_v3(pubkey: bytes) -> str:
    """A v3 onion address, built from the spec (rend-spec-v3) independently of the module."""
    version = b"\x03"
    checksum = hashlib.sha3_256(b".onion checksum" + pubkey + version).digest()[:2]
    return base64.b32encode(pubkey + checksum + version).decode("ascii").lower() + ".onion"


ONION = make_onion_v3(random.Random(2020).randbytes(32))
TOR_PROJECT_ONION = "2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion"


def test_generated_onion_shape():
    assert len(ONION) == 56 + len(".onion")
    assert ONION.endswith("d.onion")  # the version byte 3 makes the last character "d"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (ONION, ONION),
        (ONION.upper(), ONION),
        (f"http://{ONION}/shop/item?id=3", ONION),
        (f"https://www.{ONION}:443/", ONION),
        (TOR_PROJECT_ONION, TOR_PROJECT_ONION),
        (
            "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion",
            "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion",
        ),
    ],
)
def test_onion_address(value, expected):
    assert normalise("onion_address", value) == expected


def _flip_first_char(onion: str) -> str:
    return ("b" if onion[0] == "a" else "a") + onion[1:]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "facebookcorewwwi.onion",
            (
                "v2 onion addresses (16 characters) are deprecated and no longer work; "
                "give the v3 address (56 characters)"
            ),
        ),
        (_flip_first_char(ONION), "onion address checksum is wrong (a character is mistyped?)"),
        (ONION[:-7] + "a.onion", "onion address checksum is wrong (a character is mistyped?)"),
        (ONION[1:], "a v3 onion address has 56 characters a-z and 2-7 before .onion"),
        ("example.com", "an onion address ends with .onion"),
    ],
)
def test_onion_address_invalid(value, message):
    assert invalid_message("onion_address", value) == message


def test_onion_version_byte_must_be_3():
    pubkey = bytes(range(32))
    version = b"\x04"
    checksum = hashlib.sha3_256(b".onion checksum" + pubkey + version).digest()[:2]
    onion = base64.b32encode(pubkey + checksum + version).decode().lower() + ".onion"
    assert invalid_message("onion_address", onion) == "onion address version byte is 4, not 3"


# -------------------------------------------------------- handles and marketplaces


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("@Glock_Master_GR", "glock_master_gr"),
        ("glock_master_gr", "glock_master_gr"),
        ("@@Glock.Master-GR ", "glock.master-gr"),
        ("@Βέντορ", "bentor"),
        ("@Ｇｕｎｓ４ｕ", "guns4u"),
        ("@guns 4 u!", "guns4u"),
    ],
)
def test_vendor_handle(value, expected):
    assert normalise("vendor_handle", value) == expected


def test_vendor_handle_invalid():
    assert invalid_message("vendor_handle", "@!!!") == (
        "vendor handle is empty (letters, digits, _ . - are kept)"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Dream Market", "dream"),
        ("DreamMarket", "dream"),
        ("dream-market", "dream"),
        ("Dark Market", "dark"),
        ("darkmarket", "dark"),
        ("DarkMarket", "dark"),
        ("Empire", "empire"),
        ("Empire Market", "empire"),
        ("White House Market", "whitehouse"),
        ("whitehousemarket.onion", "whitehouse"),
        ("ToRReZ", "torrez"),
        ("Torrez Marketplace", "torrez"),
        ("Silk Road", "silkroad"),
        ("Silk Road 2.0", "silkroad20"),
        ("Market", "market"),
    ],
)
def test_marketplace(value, expected):
    assert normalise("marketplace", value) == expected


# ----------------------------------------------------------------- vehicle plates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("M-AB 1234", "MAB1234"),
        ("m ab 1234", "MAB1234"),
        ("СА 1234 ВХ", "CA1234BX"),  # Bulgarian plate in Cyrillic
        ("CA 1234 BX", "CA1234BX"),  # ... and typed in Latin letters
        ("са1234вх", "CA1234BX"),
        ("ΙΚΤ-1234", "IKT1234"),  # Greek plate in Greek letters
        ("IKT 1234", "IKT1234"),
        ("ΥΖΑ·1234", "YZA1234"),
        ("SK.123.AB", "SK123AB"),
        ("ЕМНОРТ", "EMHOPT"),
    ],
)
def test_vehicle_plate(value, expected):
    assert normalise("vehicle_plate", value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("B 12/34", "a vehicle plate may contain only letters, digits, spaces and dashes"),
        ("A", "a vehicle plate has 2 to 12 letters and digits"),
        ("ABCDEFGHIJ1234", "a vehicle plate has 2 to 12 letters and digits"),
        (" - . ", "vehicle plate is empty"),
    ],
)
def test_vehicle_plate_invalid(value, message):
    assert invalid_message("vehicle_plate", value) == message


# ---------------------------------------------------- people, addresses, companies


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Arben Hoxha", "arben hoxha"),
        ("Hoxha Arben", "arben hoxha"),
        ("HOXHA, Arben", "arben hoxha"),
        ("  arben   hoxha ", "arben hoxha"),
        ("Arbën Hoxha", "arben hoxha"),
        ("Арбен Хоџа", "arben khodzha"),
        ("José  O'Brien-Ñúñez", "jose nunez obrien"),
        ("Jörg Müller", "jorg muller"),
    ],
)
def test_person(value, expected):
    assert normalise("person", value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Hauptstraße 5, 10115 Berlin", "hauptstrasse 5 10115 berlin"),
        ("HAUPTSTRASSE 5 10115 BERLIN", "hauptstrasse 5 10115 berlin"),
        ("Οδός Εγνατίας 45, 54630 Θεσσαλονίκη", "odos egnatias 45 54630 thessalonike"),
        ("ul. Vitosha 12, Sofia", "ul vitosha 12 sofia"),
    ],
)
def test_address(value, expected):
    assert normalise("address", value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Balkan Trade Ltd", "balkan trade"),
        ("BALKAN TRADE LTD.", "balkan trade"),
        ("Balkan Trade Limited", "balkan trade"),
        ("Foo GmbH & Co. KG", "foo"),
        ("Alpha Trading Sp. z o.o.", "alpha trading"),
        ("Alpha Trading sp. z o. o.", "alpha trading"),
        ("Foo S.R.L.", "foo"),
        ("Bar Sh.p.k.", "bar"),
        ("Nordic Trade A/S", "nordic trade"),
        ("Praha Export s.r.o.", "praha export"),
        ("Brno Import spol. s r.o.", "brno import"),
        ("ООО «Ромашка»", "romashka"),
        ("ЕООД Оръжейник", "orzheinik"),
        ("Ελληνική Εταιρεία Α.Ε.", "ellenike etaireia"),
        ("Vardar DOOEL", "vardar"),
        ("Schmidt AG", "schmidt"),
        ("AG", "ag"),  # never stripped to nothing
        ("Fast As Lightning Ltd", "fast as lightning"),  # legal words only at the ends
    ],
)
def test_company(value, expected):
    assert normalise("company", value) == expected


@pytest.mark.parametrize(
    ("selector_type", "message"),
    [
        ("person", "name is empty"),
        ("address", "address is empty"),
        ("company", "company name is empty"),
    ],
)
def test_folded_types_empty_after_folding(selector_type, message):
    assert invalid_message(selector_type, "!!! ...") == message


# --------------------------------------------------------------------- general


def test_unknown_type():
    assert invalid_message("passport", "X123") == (
        "unknown selector type 'passport' (expected one of: tracking_number, phone, email, "
        "iban, crypto_wallet, ip_address, onion_address, vendor_handle, marketplace, "
        "vehicle_plate, person, address, company)"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "the value is empty"),
        ("   ", "the value is empty"),
        (None, "the value must be a string"),
        (12345678, "the value must be a string"),
        ("x" * 501, "the value is too long (at most 500 characters)"),
    ],
)
def test_bad_values(value, message):
    assert invalid_message("person", value) == message


def test_accepts_enum_members():
    assert normalise(SelectorType.IBAN, "gb82 west 1234 5698 7654 32") == "GB82WEST12345698765432"


def test_is_valid():
    assert is_valid("iban", "GB82WEST12345698765432") is True
    assert is_valid("iban", "GB82WEST12345698765433") is False
    assert is_valid("phone", "694 123 4567", default_region="GR") is True
    assert is_valid("phone", "694 123 4567") is False
    assert is_valid("nope", "x") is False


@pytest.mark.parametrize(
    ("selector_type", "value", "region"),
    [
        ("tracking_number", "rr 123 456 785 gr", None),
        ("phone", "694 123 4567", "GR"),
        ("email", "Owner@Bücher.Example", None),
        ("iban", "de89 3704 0044 0532 0130 00", None),
        ("crypto_wallet", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", None),
        ("crypto_wallet", GENESIS, None),
        ("crypto_wallet", XMR_DONATION, None),
        ("crypto_wallet", "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ", None),
        ("ip_address", "::ffff:192.0.2.1", None),
        ("onion_address", f"http://{ONION.upper()}/x", None),
        ("vendor_handle", "@Βέντορ", None),
        ("marketplace", "White House Market", None),
        ("vehicle_plate", "СА 1234 ВХ", None),
        ("person", "HOXHA, Arben", None),
        ("address", "Hauptstraße 5, Berlin", None),
        ("company", "Foo GmbH & Co. KG", None),
    ],
)
def test_normalise_is_idempotent(selector_type, value, region):
    once = normalise(selector_type, value, default_region=region)
    assert normalise(selector_type, once, default_region=region) == once
    # a stored E.164 phone re-normalises the same whatever the reader's region
    if selector_type == "phone":
        assert normalise(selector_type, once, default_region=None) == once
