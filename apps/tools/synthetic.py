"""Synthetic earlier seizures and action-week parcels, for benchmarks and the simulator.

Deterministic for a seed. The shape follows the ARMSTRONG VII press release:
firearms, parts and ammunition found in postal packages over a year, reported
by 25 countries' police and customs; a small share of rows shares a phone,
a person or a tracking number with an earlier row (what cross-matching finds).
No database, no Django models: rows are plain dicts in the import format.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import IO

import phonenumbers

from apps.intel.sources import CSV_COLUMNS, LIST_COLUMNS
from apps.reports.normalise import s10_check_digit

COUNTRIES = [
    "AT", "AL", "BG", "CY", "CZ", "DE", "DK", "EE", "GR", "ES", "FI", "FR", "HU",
    "IE", "LT", "LU", "NL", "PT", "RO", "SE", "GB", "CH", "NO", "MK", "US",
]  # fmt: skip
ORIGINS = ["US", "US", "US", "TR", "CN", "UA", "RS", "DE", "GB", "NL", "BG", "HK", "TH", "CA"]
CARRIERS = ["USPS", "UPS", "DHL Express", "FedEx", "Royal Mail", "Deutsche Post", "La Poste",
            "ELTA", "Bulgarian Posts", "PostNL", "EMS", "China Post", "Turkish Post"]  # fmt: skip
CONTENTS = ["audio equipment", "speaker", "spare parts", "car parts", "toys", "books", "clothes",
            "gift", "tools", "metal parts", "electronics", "documents", "cosmetics", "kitchenware",
            "hunting accessories", "airsoft parts", "sample", "machine parts"]  # fmt: skip
SUSPECT_CONTENTS = ("audio equipment", "speaker", "spare parts", "metal parts", "airsoft parts",
                    "machine parts", "hunting accessories", "tools")  # fmt: skip
FIRST = ["Giorgos", "Maria", "Ivan", "Elena", "Hans", "Anna", "Jean", "Sophie", "Miguel", "Lucia",
         "Jan", "Eva", "Peter", "Katarina", "Nikolai", "Olga", "Ahmed", "Fatima", "John", "Sarah",
         "Dimitris", "Eleni", "Stefan", "Petra", "Luca", "Giulia", "Mehmet", "Ayse", "Piotr", "Ewa",
         "Andreas", "Christina", "Mihai", "Ioana", "Lars", "Ingrid", "Sean", "Aoife", "Tomas",
         "Ruta", "Kristjan", "Liis", "Jukka", "Aino", "Pedro", "Ines", "Luis", "Carmen", "Bojan",
         "Ana", "Arben", "Elira", "Goran", "Marija", "Laszlo", "Zsofia", "Pierre", "Claire",
         "Michael", "Laura", "Thomas", "Julia", "David", "Emma", "Marco", "Sara", "Karl", "Nora"]  # fmt: skip
STEMS = ["papad", "georg", "niko", "petr", "ivan", "dimitr", "kostas", "alex", "vasil", "stoy",
         "todor", "hristo", "mull", "schmi", "wagn", "beck", "hoff", "kowal", "nowak", "horv",
         "kovac", "novak", "popesc", "ionesc", "garc", "fern", "gonz", "rodr", "mart", "duval",
         "bern", "mor", "lamb", "ross", "bian", "ferr", "ricc", "jans", "de vri", "bakk", "hans",
         "nils", "lars", "joh", "virt", "korh", "tamm", "saar", "kaz", "petrausk", "murph",
         "kell", "walsh", "smi", "jon", "tayl", "brow", "hox", "shehu", "krasn", "berisha",
         "yilm", "kaya", "demir", "sahin", "cel", "tra", "nguy", "zhan", "wan", "li"]  # fmt: skip
ENDINGS = ["opoulos", "ou", "idis", "akis", "ov", "ova", "ev", "eva", "ski", "ska", "ic", "er",
           "ermann", "mann", "ak", "ovic", "escu", "ez", "es", "et", "and", "ini", "ari", "sen",
           "son", "inen", "ainen", "as", "iene", "y", "s", "aj", "ek", "oglu", "an"]  # fmt: skip
COMPANY_KINDS = ["Trading Ltd", "Import Export", "Logistics", "Electronics", "Parts GmbH",
                 "Hunting Supplies", "Audio", "Tools", "Sports", "Outdoor", "Machinery", "Global"]  # fmt: skip
MIDDLES = ["", "", "", "an", "el", "or", "ik", "ol", "ar", "in", "ev", "at", "om", "ul", "es", "ir",
           "ak", "et", "on", "is", "ab", "ed", "og", "ut", "ay", "em", "ov", "id", "ur", "ag"]  # fmt: skip
STREETS = ["Ermou", "Hauptstrasse", "Rue de la Paix", "Calle Mayor", "Vitosha", "Main Street",
           "Bahnhofstrasse", "Via Roma", "Ilica", "Andrassy ut", "Kalverstraat", "Drottninggatan",
           "Mannerheimintie", "Gediminas", "Narva mnt", "Strada Victoriei", "Rruga e Kavajes",
           "Partizanska", "Rua Augusta", "O'Connell Street", "Karl Johans gate", "Stroget"]  # fmt: skip
CITIES = {"GR": "Athina", "DE": "Berlin", "FR": "Paris", "ES": "Madrid", "BG": "Sofia",
          "AT": "Wien", "NL": "Amsterdam", "SE": "Stockholm", "FI": "Helsinki", "LT": "Vilnius",
          "EE": "Tallinn", "RO": "Bucuresti", "AL": "Tirana", "MK": "Skopje", "PT": "Lisboa",
          "IE": "Dublin", "NO": "Oslo", "DK": "Kobenhavn", "CZ": "Praha", "HU": "Budapest",
          "CY": "Lefkosia", "LU": "Luxembourg", "CH": "Zurich", "GB": "London", "US": "New York"}  # fmt: skip
MARKETS = ["Empire Market", "White House Market", "Hydra market", "DarkMarket", "Versus Market",
           "ToRReZ", "AlphaBay", "Archetyp"]  # fmt: skip
SEIZED = [("ammunition", 0.35), ("firearm_part", 0.25), ("firearm", 0.15), ("other_weapon", 0.2),
          ("explosive", 0.02), ("other", 0.03)]  # fmt: skip
DESCRIPTIONS = {"ammunition": ["9mm", ".22 LR", "7.62x39", "12 gauge"],
                "firearm_part": ["pistol frame", "slide", "barrel", "trigger group", "80% lower"],
                "firearm": ["Glock 17", "converted alarm pistol", "revolver", "AR-15 kit"],
                "other_weapon": ["knuckle-duster", "pepper spray", "butterfly knife", "taser"],
                "explosive": ["flash-bang", "pyrotechnics"], "other": ["silencer", "scope"]}  # fmt: skip
START = datetime(2019, 11, 1, tzinfo=UTC)
YEAR_SECONDS = 365 * 24 * 3600


def agency_of(country: str, kind: str) -> str:
    return f"{country} {'Customs' if kind == 'customs' else 'Police'}"


class Generator:
    """Rows and parcels drawn from fixed pools; the same seed gives the same data."""

    def __init__(self, seed: int = 7):
        self.random = random.Random(seed)
        self.phone_templates = {c: self._phone_template(c) for c in COUNTRIES}
        self.people: list[dict] = []  # earlier people, some seen again
        self.phones: list[tuple[str, str]] = []
        self.tracking: list[str] = []
        self.handles = [f"@{self.random.choice(STEMS).replace(' ', '')}{n}" for n in range(50_000)]
        self.serial = self.random.randrange(10_000_000)

    # -- values
    @staticmethod
    def _phone_template(country: str) -> tuple[int, str]:
        number = phonenumbers.example_number_for_type(country, phonenumbers.PhoneNumberType.MOBILE)
        return number.country_code, str(number.national_number)

    def phone(self, country: str) -> str:
        code, national = self.phone_templates[country]
        keep = max(len(national) - 5, 2)
        tail = "".join(self.random.choice("0123456789") for _ in range(len(national) - keep))
        return f"+{code} {national[:keep]}{tail}"

    def tracking_number(self, origin: str) -> str:
        self.serial = (self.serial + self.random.randrange(1, 997)) % 100_000_000
        serial = f"{self.serial:08d}"
        prefix = self.random.choice(["RR", "RA", "CP", "LX", "EE", "LZ"])
        return f"{prefix}{serial}{s10_check_digit(serial)}{origin if origin != 'HK' else 'HK'}"

    def name(self) -> str:
        r = self.random
        surname = f"{r.choice(STEMS)}{r.choice(MIDDLES)}{r.choice(ENDINGS)}".title()
        return f"{r.choice(FIRST)} {surname}"

    def birth_date(self) -> str:
        return (
            (datetime(1960, 1, 1) + timedelta(days=self.random.randrange(40 * 365)))
            .date()
            .isoformat()
        )

    def address(self, country: str) -> str:
        r = self.random
        return f"{r.choice(STREETS)} {r.randrange(1, 400)}, {r.randrange(1000, 99999)} {CITIES[country]}"

    def person(self, country: str, reuse: float) -> dict:
        r = self.random
        if self.people and r.random() < reuse:
            return dict(r.choice(self.people))
        person = {
            "name": self.name(),
            "phone": self.phone(country),
            "address": self.address(country),
        }
        if r.random() < 0.3:
            person["date_of_birth"] = self.birth_date()
        if len(self.people) < 200_000:
            self.people.append(person)
        else:
            self.people[r.randrange(len(self.people))] = person
        return person

    def notes(self) -> str:
        r = self.random
        return (f"Ordered from vendor {r.choice(self.handles)} on {r.choice(MARKETS)}, "
                f"paid in {r.choice(['bitcoin', 'monero', 'BTC', 'XMR'])}.")  # fmt: skip

    # -- earlier seizures
    def earlier_row(self, index: int) -> dict:
        """One earlier seizure or intelligence report, in the import format."""
        r = self.random
        country = r.choice(COUNTRIES)
        agency_kind = "customs" if r.random() < 0.7 else "police"
        kind = "hit" if r.random() < 0.8 else "intel"
        origin = r.choice(ORIGINS)
        when = START + timedelta(seconds=r.randrange(YEAR_SECONDS))
        row: dict = {
            "reference": f"{country}-{when:%y}-{index:07d}",
            "country": country,
            "agency": agency_of(country, agency_kind),
            "agency_kind": agency_kind,
            "kind": kind,
            "handling": r.choices(["clear", "green", "amber", "red"], [5, 50, 40, 5])[0],
            "occurred_at": when.isoformat().replace("+00:00", "Z"),
        }
        reuse_tracking = self.tracking and r.random() < 0.005
        tracking = r.choice(self.tracking) if reuse_tracking else self.tracking_number(origin)
        if len(self.tracking) < 100_000:
            self.tracking.append(tracking)
        recipient = self.person(country, reuse=0.01)
        parcel = {
            "tracking_number": tracking,
            "carrier": r.choice(CARRIERS),
            "origin_country": origin,
            "destination_country": country,
            "declared_content": r.choice(SUSPECT_CONTENTS if r.random() < 0.6 else CONTENTS),
            "weight_g": r.randrange(150, 6000),
            "recipient": recipient,
        }
        if r.random() < 0.5:
            company = (
                f"{r.choice(STEMS)}{r.choice(MIDDLES)}".title() + " " + r.choice(COMPANY_KINDS)
            )
            parcel["sender"] = {"name": self.name(), "company": company}
        row["parcel"] = parcel
        if kind == "hit":
            lines = []
            for _ in range(1 if r.random() < 0.8 else 2):
                category = r.choices([c for c, _ in SEIZED], [w for _, w in SEIZED])[0]
                quantity = r.randrange(50, 600) if category == "ammunition" else r.randrange(1, 4)
                lines.append({"category": category, "quantity": quantity,
                              "description": r.choice(DESCRIPTIONS[category])})  # fmt: skip
            row["seizures"] = lines
            if r.random() < 0.3:
                row["body"] = (
                    f"Found in a parcel declared as {parcel['declared_content']}. {self.notes()}"
                )
        else:
            row["body"] = self.notes() + f" Buyer {recipient['name']} in {CITIES[country]}."
            if r.random() < 0.2:
                row["people"] = [{"name": self.name(), "date_of_birth": self.birth_date()}]
        return row

    def earlier_rows(self, count: int) -> Iterator[dict]:
        for index in range(count):
            yield self.earlier_row(index)

    # -- action-week parcels
    def parcel(self, destination: str, *, linked: bool = False) -> dict:
        """A parcel at a hub of `destination`; `linked` ones reuse an earlier seizure's details."""
        r = self.random
        origin = r.choice(ORIGINS)
        suspect = linked or r.random() < 0.15
        parcel = {
            "tracking_number": self.tracking_number(origin),
            "carrier": r.choice(CARRIERS),
            "origin_country": origin,
            "destination_country": destination,
            "declared_content": r.choice(SUSPECT_CONTENTS if suspect else CONTENTS),
            "weight_g": r.randrange(150, 6000),
        }
        if linked and self.people:
            earlier = dict(r.choice(self.people))
            if r.random() < 0.5:
                earlier.pop("phone", None)  # the same person, not the same phone
            parcel["recipient"] = {
                k: v for k, v in earlier.items() if k in ("name", "phone", "date_of_birth")
            }
        else:
            parcel["recipient"] = {"name": self.name(), "phone": self.phone(destination)}
        if suspect and r.random() < 0.3:
            parcel["notes"] = self.notes()
        return parcel


# ------------------------------------------------------------------- writing


def _csv_value(row: dict, column: str) -> str:
    if column in LIST_COLUMNS:
        value = row.get(column)
        return json.dumps(value, ensure_ascii=False) if value else ""
    value: object = row
    for part in column.split("."):
        value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            return ""
    return str(value)


def write_rows(out: IO[str], rows: Iterator[dict], file_format: str) -> int:
    """Write rows as CSV or JSON Lines; returns how many."""
    count = 0
    if file_format == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            writer.writerow([_csv_value(row, c) for c in CSV_COLUMNS])
            count += 1
    else:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count
