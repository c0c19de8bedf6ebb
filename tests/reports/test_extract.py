"""Selector extraction from free text and from a report as posted."""

import base64
import hashlib
import random

import pytest

from apps.reports.extract import (
    KNOWN_MARKETPLACES,
    ExtractedSelector,
    extract_from_report,
    extract_from_text,
)

pytestmark = pytest.mark.once  # no database or services: the first pass only


def _onion_v3(seed: int) -> str:
    pubkey = random.Random(seed).randbytes(32)
    checksum = hashlib.sha3_256(b".onion checksum" + pubkey + b"\x03").digest()[:2]
    return base64.b32encode(pubkey + checksum + b"\x03").decode().lower() + ".onion"


ONION = _onion_v3(11)
XMR = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A"

INTEL_TEXT = f"""INTEL / ΠΛΗΡΟΦΟΡΙΑΚΟ - Operation ARMSTRONG VII, day 3.
Parcel RR 123 456 785 GR (declared "auto parts", 2.4 kg) was posted in Thessaloniki to
Tirana. Sender: Αρμπέν Χότζα, Οδός Εγνατίας 45, 54630 Θεσσαλονίκη, tel. 694 123 4567,
alt. +355 69 204 5678. The recipient in Sofia (Красимир Петров, ул. Витоша 12) answers on
+359 888 123 456 and writes from k.petrov@abv.bg or Krasimir.Petrov+guns@Gmail.com.
Payment: IBAN DE89 3704 0044 0532 0130 00 and BTC 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa,
later bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq; ETH 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed.
Vendor @glock_master_gr sells on Empire Market and AlphaBay, shop at
http://{ONION}/shop, logins from 185.220.101.4 and 2001:db8::7334.
Le colis CX 987 654 321 FR n'a pas de chiffre de contrôle valide (attendu 6).
Das Paket wurde am 12.11.2020 um 14:30 in Frankfurt kontrolliert; Kontakt +49 30 901820.
Ein zweiter Verkäufer, @ar_tactical, ist zu Hydra marketplace gewechselt.
Skopje contact 00389 70 123 456, US buyer +1 (202) 456-1111. Vozilo: СА 1234 ВХ.
Monero: {XMR}
Repeated: tel. 694-123-4567, RR123456785GR, K.PETROV@ABV.BG.
"""


def pairs(selectors):
    return [(s.type, s.normalised) for s in selectors]


def test_extract_from_realistic_multilingual_intel():
    found = extract_from_text(INTEL_TEXT, default_region="GR")
    assert pairs(found) == [
        ("tracking_number", "RR123456785GR"),
        ("phone", "+306941234567"),
        ("phone", "+355692045678"),
        ("phone", "+359888123456"),
        ("email", "k.petrov@abv.bg"),
        ("email", "krasimir.petrov+guns@gmail.com"),
        ("iban", "DE89370400440532013000"),
        ("crypto_wallet", "btc:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
        ("crypto_wallet", "btc:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
        ("crypto_wallet", "eth:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
        ("vendor_handle", "glock_master_gr"),
        ("marketplace", "empire"),
        ("marketplace", "alphabay"),
        ("onion_address", ONION),
        ("ip_address", "185.220.101.4"),
        ("ip_address", "2001:db8::7334"),
        ("phone", "+4930901820"),
        ("vendor_handle", "ar_tactical"),
        ("marketplace", "hydra"),
        ("phone", "+38970123456"),
        ("phone", "+12024561111"),
        ("crypto_wallet", f"xmr:{XMR}"),
    ]
    # value is as written in the text, source is "text"
    by_key = {(s.type, s.normalised): s for s in found}
    assert by_key[("tracking_number", "RR123456785GR")] == ExtractedSelector(
        type="tracking_number",
        value="RR 123 456 785 GR",
        normalised="RR123456785GR",
        source="text",
    )
    assert by_key[("phone", "+306941234567")].value == "694 123 4567"
    assert by_key[("iban", "DE89370400440532013000")].value == "DE89 3704 0044 0532 0130 00"
    assert by_key[("marketplace", "hydra")].value == "Hydra marketplace"
    assert by_key[("vendor_handle", "glock_master_gr")].value == "@glock_master_gr"
    assert by_key[("crypto_wallet", "eth:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")].value == (
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    )
    assert {s.source for s in found} == {"text"}


def test_source_can_be_named():
    found = extract_from_text("call +30 694 123 4567", default_region=None, source="body")
    assert found == [ExtractedSelector("phone", "+30 694 123 4567", "+306941234567", "body")]


@pytest.mark.parametrize(
    "text",
    [
        "Le colis CX 987 654 321 FR est suspect.",  # S10 check digit should be 6
        "rr 123 456 785 gr",  # S10 in lower case: not taken from prose
        "IBAN GB82 WEST 1234 5698 7654 33 (typo)",  # fails mod 97
        "BTC 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",  # bad base58check
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdw",  # bad bech32 checksum
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",  # bad EIP-55 capitalisation
        "old shop facebookcorewwwi.onion",  # v2 onion
        "IPs 256.1.1.1, 010.1.1.1 and version 1.2.3.4.5, time 10:30:45, MAC 00:1A:2B:3C:4D:5E",
        "write to me at meet@home or a..b@example.com",
        "meet @5pm, @ab, price @ 20 EUR",
        "firearms bought on dark markets",  # "DarkMarket" counts only as one word
        # names that are also words or places need "Market" after them
        "Holiday on Hydra island; agora estamos em Lisboa; Empire State; Monopoly money; A versus B",
        "Genesis chapter 1, Nemesis, Incognito mode, Bohemia, Abacus, Hansa Park, Agora",
    ],
)
def test_invalid_or_ambiguous_things_are_not_extracted(text):
    assert extract_from_text(text, default_region=None) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bought on Silk Road", [("marketplace", "silkroad")]),
        (
            "moved from Dream Market to White House Market",
            [("marketplace", "dream"), ("marketplace", "whitehouse")],
        ),
        (
            "DARKMARKET admin; Wall Street Market exit scam",
            [("marketplace", "dark"), ("marketplace", "wallstreet")],
        ),
        (
            "tor: ToRReZ, torrez market, Versus Market",
            [("marketplace", "torrez"), ("marketplace", "versus")],
        ),
        ("Agora Marketplace and agora market", [("marketplace", "agora")]),
        ("alphabay; AlphaBay Market", [("marketplace", "alphabay")]),
    ],
)
def test_marketplaces(text, expected):
    assert pairs(extract_from_text(text, default_region=None)) == expected


def test_known_marketplaces_constant():
    assert {
        "AlphaBay",
        "Hydra",
        "Dream Market",
        "Silk Road",
        "Empire",
        "White House Market",
        "Wall Street Market",
        "DarkMarket",
        "Agora",
        "Hansa",
        "Monopoly",
        "ToRReZ",
        "Versus",
    } <= set(KNOWN_MARKETPLACES)


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        # national numbers need the reporting country
        ("tel 694 123 4567", "GR", [("phone", "+306941234567")]),
        ("tel 694 123 4567", None, []),
        ("tel 0888 123 456", "BG", [("phone", "+359888123456")]),
        ("Tel. 030 901820", "DE", [("phone", "+4930901820")]),
        ("call (202) 456-1111", "US", [("phone", "+12024561111")]),
        ("069 204 5678", "AL", [("phone", "+355692045678")]),
        ("070 123 456", "MK", [("phone", "+38970123456")]),
        # the digits of an IBAN, tracking number or IP are not also taken as phones
        ("DE89 3704 0044 0532 0130 00", "DE", [("iban", "DE89370400440532013000")]),
        ("RR 123 456 785 GR", "GR", [("tracking_number", "RR123456785GR")]),
        ("1Z 999 AA1 0123 4567 84", "US", [("tracking_number", "1Z999AA10123456784")]),
    ],
)
def test_phones_and_regions(text, region, expected):
    assert pairs(extract_from_text(text, default_region=region)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "from [2001:db8::1]:443 and ::ffff:192.0.2.1",
            [("ip_address", "2001:db8::1"), ("ip_address", "192.0.2.1")],
        ),
        ("fe80::1%eth0.", [("ip_address", "fe80::1")]),
        ("8.8.8.8.", [("ip_address", "8.8.8.8")]),
        (
            "handle:@Guns_4U, mail guns4u@proton.me",
            [("vendor_handle", "guns_4u"), ("email", "guns4u@proton.me")],
        ),
        ("(@vendor.gr)", [("vendor_handle", "vendor.gr")]),
        (f"visit {ONION.upper()}!", [("onion_address", ONION)]),
        ("GB82WEST12345698765432.", [("iban", "GB82WEST12345698765432")]),
        ("pay to MK07 2501 2000 0058 984 today", [("iban", "MK07250120000058984")]),
        (
            "ETH 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
            [("crypto_wallet", "eth:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")],
        ),
        (
            "taproot bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
            [
                (
                    "crypto_wallet",
                    "btc:bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
                )
            ],
        ),
        (
            "P2SH 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy.",
            [("crypto_wallet", "btc:3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy")],
        ),
    ],
)
def test_other_text_forms(text, expected):
    assert pairs(extract_from_text(text, default_region=None)) == expected


def test_deduplicates_by_type_and_normalised_value():
    text = "RR123456785GR, RR 123 456 785 GR, rr-123; Mail A@B.COM a@b.com; +30 6941234567 / 0030 694 123 4567"
    found = extract_from_text(text, default_region="GR")
    assert [(s.type, s.value) for s in found] == [
        ("tracking_number", "RR123456785GR"),
        ("email", "A@B.COM"),
        ("phone", "+30 6941234567"),
    ]


@pytest.mark.parametrize("text", ["", "   ", "no selectors in this sentence at all."])
def test_empty_text(text):
    assert extract_from_text(text, default_region="GR") == []


def test_long_text_is_linear_and_complete():
    text = (INTEL_TEXT + "\n") * 20
    assert len(extract_from_text(text, default_region="GR")) == 22


# ---------------------------------------------------------------------- reports

REPORT = {
    "client_id": "0b8e7f5e-4a8e-4f4c-9a52-2f2d6a3c1e11",
    "kind": "hit",
    "handling": "amber",
    "body": "Sender also uses +30 694 123 4567 and vendor @Glock_Master_GR on DarkMarket. "
    "Paid to GB82 WEST 1234 5698 7654 32.",
    "location": {"name": "Athens mail centre", "country": "GR"},
    "seizures": [
        {
            "category": "firearm",
            "quantity": 1,
            "description": "Glock 17, ordered via Empire Market",
        },
        {"category": "ammunition", "quantity": 50},
    ],
    "parcel": {
        "tracking_number": "RR 123 456 785 GR",
        "carrier": "ELTA",
        "origin_country": "GR",
        "destination_country": "AL",
        "declared_content": "auto parts; ref CX987654326FR",
        "sender": {
            "name": "HOXHA, Arben",
            "date_of_birth": "1985-03-02",
            "address": "Οδός Εγνατίας 45, Θεσσαλονίκη",
            "phone": "694 123 4567",
            "email": "Arben.H@Example.com",
            "company": "Arben Trade Sh.p.k.",
        },
        "recipient": {"name": "Krasimir Petrov", "phone": "+359 888 123 456", "email": None},
    },
    "people": [{"name": "Arben Hoxha", "phone": "+355 69 204 5678"}],
    "selectors": [
        {"type": "vehicle_plate", "value": "СА 1234 ВХ"},
        {"type": "crypto_wallet", "value": "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"},
        {"type": "iban", "value": "GB82WEST12345698765432"},
    ],
}


def test_extract_from_report():
    selectors, errors = extract_from_report(REPORT, default_region="GR")
    assert errors == {}
    assert [(s.type, s.normalised, s.source) for s in selectors] == [
        ("tracking_number", "RR123456785GR", "parcel.tracking_number"),
        ("person", "arben hoxha", "parcel.sender.name"),
        ("phone", "+306941234567", "parcel.sender.phone"),
        ("email", "arben.h@example.com", "parcel.sender.email"),
        ("address", "odos egnatias 45 thessalonike", "parcel.sender.address"),
        ("company", "arben trade", "parcel.sender.company"),
        ("person", "krasimir petrov", "parcel.recipient.name"),
        ("phone", "+359888123456", "parcel.recipient.phone"),
        # people[0].name is the sender again (same key): kept once, first source wins
        ("phone", "+355692045678", "people[0].phone"),
        ("vehicle_plate", "CA1234BX", "selectors[0]"),
        ("crypto_wallet", "btc:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "selectors[1]"),
        ("iban", "GB82WEST12345698765432", "selectors[2]"),
        # from free text; the phone and IBAN in the body were already given above
        ("vendor_handle", "glock_master_gr", "body"),
        ("marketplace", "dark", "body"),
        ("tracking_number", "CX987654326FR", "parcel.declared_content"),
        ("marketplace", "empire", "seizures[0].description"),
    ]
    assert selectors[0] == ExtractedSelector(
        "tracking_number", "RR 123 456 785 GR", "RR123456785GR", "parcel.tracking_number"
    )


def test_extract_from_report_errors():
    report = {
        "client_id": "x",
        "kind": "intel",
        "body": "Invalid things in text are skipped: RR123456783GR, GB82WEST12345698765433.",
        "parcel": {
            "tracking_number": "RR 123 456 783 GR",
            "sender": {"name": "Arben Hoxha", "phone": "0888 123 456", "email": "bad@"},
            "recipient": "Sofia",
        },
        "people": [{"name": "", "phone": "12"}, "Krasimir", {"email": 42}],
        "selectors": [
            {"type": "iban", "value": "GB82WEST12345698765432"},
            {"type": "iban", "value": "GB82 WEST 1234 5698 7654 33"},
            {"type": "passport", "value": "X1"},
            {"type": "phone"},
            {"value": "x"},
            "iban GB82",
            {"type": "onion_address", "value": "facebookcorewwwi.onion"},
            {"type": "crypto_wallet", "value": ""},
        ],
    }
    selectors, errors = extract_from_report(report, default_region="GR")
    assert [(s.type, s.normalised, s.source) for s in selectors] == [
        ("person", "arben hoxha", "parcel.sender.name"),
        ("iban", "GB82WEST12345698765432", "selectors[0]"),
    ]
    assert errors == {
        "parcel.tracking_number": "S10 check digit is 5, not 3",
        "parcel.sender.phone": "not a valid phone number for region GR",
        "parcel.sender.email": "the e-mail domain is missing",
        "parcel.recipient": "must be an object",
        "people[0].phone": "not a valid phone number for region GR",
        "people[1]": "must be an object",
        "people[2].email": "must be a string",
        "selectors[1].value": "IBAN check digits are wrong (mod 97)",
        "selectors[2].type": (
            "unknown selector type 'passport' (expected one of: tracking_number, phone, "
            "email, iban, crypto_wallet, ip_address, onion_address, vendor_handle, "
            "marketplace, vehicle_plate, person, address, company)"
        ),
        "selectors[3].value": "this field is required",
        "selectors[4].type": "this field is required",
        "selectors[5]": "must be an object with type and value",
        "selectors[6].value": (
            "v2 onion addresses (16 characters) are deprecated and no longer work; "
            "give the v3 address (56 characters)"
        ),
        "selectors[7].value": "the value is empty",
    }


@pytest.mark.parametrize(
    ("report", "errors"),
    [
        ([], {"report": "a report must be a JSON object"}),
        ({"parcel": "RR123456785GR"}, {"parcel": "must be an object"}),
        ({"people": {"name": "x"}}, {"people": "must be a list"}),
        ({"selectors": "iban"}, {"selectors": "must be a list"}),
        ({"body": 42}, {"body": "must be a string"}),
        (
            {"parcel": {"tracking_number": 123456785}},
            {"parcel.tracking_number": "must be a string"},
        ),
        ({"client_id": "x", "kind": "update"}, {}),
        ({"parcel": {}, "people": [], "selectors": [], "body": ""}, {}),
    ],
)
def test_extract_from_report_shapes(report, errors):
    selectors, got = extract_from_report(report, default_region="GR")
    assert selectors == []
    assert got == errors


def test_report_phone_uses_reporting_country():
    report = {"parcel": {"sender": {"phone": "030 901820"}}, "body": "Rückruf 030 901820"}
    selectors, errors = extract_from_report(report, default_region="DE")
    assert errors == {}
    assert [(s.type, s.normalised, s.source) for s in selectors] == [
        ("phone", "+4930901820", "parcel.sender.phone"),
    ]
    _, errors = extract_from_report(report, default_region="GR")
    assert errors == {"parcel.sender.phone": "not a valid phone number for region GR"}
