"""The ARMSTRONG VII demo: countries, agencies, rooms, officers and a few reports.

Running it again changes nothing: everything is looked up before it is made,
and the demo reports have fixed client_ids, so posting them again is a no-op.
"""

import uuid
from datetime import date

import pycountry
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.accounts.models import Agency, AgencyKind, Country, Officer, Role
from apps.accounts.services import (
    AccountError,
    agency_alias_add,
    agency_get_or_create,
    officer_create,
)
from apps.operations.models import Phase, Room
from apps.operations.services import (
    operation_get_or_create,
    participation_add,
    room_get_or_create,
    room_member_add,
)
from apps.reports.services import report_create

CODE_NAME = "ARMSTRONG VII"
# The countries the press release names (it counts 26 and names these 25).
COUNTRIES = [
    "AT",
    "AL",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "GR",
    "ES",
    "FI",
    "FR",
    "HU",
    "IE",
    "LT",
    "LU",
    "NL",
    "PT",
    "RO",
    "SE",
    "GB",
    "CH",
    "NO",
    "MK",
    "US",
]
BALKAN_ROUTE = ["AL", "AT", "BG", "CY", "DE", "GR", "HU", "MK", "RO"]
# Other names partners' files give the demo's agencies; imports resolve them (besides
# "<code> Police" and "<code> Customs" for every country, as the synthetic data names them).
ALIASES = {
    ("GR", "police"): ["Hellenic Police", "Ελληνική Αστυνομία", "ELAS", "Greek Police"],
    ("GR", "customs"): [
        "Hellenic Customs", "AADE", "Independent Authority for Public Revenue",
        "Ελληνικά Τελωνεία", "Greek Customs",
    ],
    ("DE", "police"): ["Bundeskriminalamt", "BKA", "German Police"],
    ("DE", "customs"): ["Zoll", "Zollkriminalamt", "German Customs"],
    ("FR", "police"): ["Police nationale", "French Police"],
    ("FR", "customs"): ["Douane", "DGDDI", "Douane française", "French Customs"],
    ("ES", "police"): ["Policía Nacional", "Spanish Police"],
    ("ES", "customs"): ["Agencia Tributaria", "Vigilancia Aduanera", "Spanish Customs"],
    ("NL", "police"): ["Politie", "Dutch Police"],
    ("NL", "customs"): ["Douane Nederland", "Dutch Customs"],
    ("SE", "police"): ["Polisen", "Swedish Police"],
    ("SE", "customs"): ["Tullverket", "Swedish Customs"],
    ("FI", "police"): ["Poliisi", "Finnish Police"],
    ("FI", "customs"): ["Tulli", "Finnish Customs"],
    ("BG", "police"): ["Bulgarian Police"],
    ("BG", "customs"): ["Агенция Митници", "Bulgarian Customs"],
    ("AL", "police"): ["Policia e Shtetit", "Albanian Police"],
    ("IE", "police"): ["An Garda Síochána", "Garda"],
    ("IE", "customs"): ["Revenue", "Irish Customs"],
    ("GB", "customs"): ["HMRC", "HM Revenue and Customs", "UK Customs"],
    ("US", "customs"): ["CBP", "U.S. Customs and Border Protection", "US Customs"],
}  # fmt: skip
DEMO_NAMESPACE = uuid.UUID("6f1c2a4e-0000-4000-8000-a7a5720e0007")


def short_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or country.name


class Command(BaseCommand):
    help = "Load the ARMSTRONG VII demo operation (idempotent) and print demo credentials."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default="armstrong7", help="password of every demo officer"
        )

    def handle(self, *args, password: str, **options):
        try:
            with transaction.atomic():
                officers = self._load(password)
        except AccountError as exc:  # a --password the validators refuse
            raise CommandError(str(exc)) from exc
        self._post_reports(officers)
        self.stdout.write(self.style.SUCCESS(f"Operation {CODE_NAME} is loaded."))
        self.stdout.write(f"Demo officers (password for all: {password}):")
        for officer in officers.values():
            self.stdout.write(f"  {officer.username:<22} {officer.role:<12} {officer.agency.name}")

    def _load(self, password: str) -> dict[str, Officer]:
        countries_missing = [
            c for c in COUNTRIES + ["BE"] if not Country.objects.filter(code=c).exists()
        ]
        if countries_missing:
            raise RuntimeError(f"countries missing: {countries_missing}; run migrate first")
        operation, _ = operation_get_or_create(
            code_name=CODE_NAME,
            description=(
                "Joint action week of police and customs against firearms trafficked to EU "
                "countries through postal services and couriers. Coordinated by Europol with "
                "the European Commission (DG TAXUD, DG HOME)."
            ),
            phase=Phase.ACTION,
            starts_on=date(2020, 11, 16),
            ends_on=date(2020, 11, 20),
        )
        europol = agency_get_or_create(country="NL", name="Europol", kind=AgencyKind.COORDINATOR)
        taxud = agency_get_or_create(
            country="BE", name="European Commission DG TAXUD", kind=AgencyKind.COORDINATOR
        )
        police: dict[str, Agency] = {}
        customs: dict[str, Agency] = {}
        for code in COUNTRIES:
            name = short_name(code)
            police[code] = agency_get_or_create(country=code, name=f"{name} Police", kind="police")
            customs[code] = agency_get_or_create(
                country=code, name=f"{name} Customs", kind="customs"
            )
        for code in COUNTRIES:
            for kind, agency in (("police", police[code]), ("customs", customs[code])):
                for alias in [f"{code} {kind.title()}", *ALIASES.get((code, kind), [])]:
                    agency_alias_add(agency=agency, name=alias)
        everyone = [europol, taxud, *police.values(), *customs.values()]
        for agency in everyone:
            # Europol and DG TAXUD coordinate the operation; national agencies take part.
            participation_add(
                operation=operation, agency=agency, coordinating=agency in (europol, taxud)
            )

        rooms = {
            "whole": (
                room_get_or_create(
                    operation=operation,
                    name="Whole operation",
                    description="Everything all partners share during the action week.",
                ),
                everyone,
            ),
            "postal": (
                room_get_or_create(
                    operation=operation,
                    name="Postal hubs",
                    description="Checks and hits at postal and courier hubs.",
                ),
                [europol, taxud, *customs.values()],
            ),
            "darkweb": (
                room_get_or_create(
                    operation=operation,
                    name="Dark-web vendors",
                    description="Vendors, marketplaces and payments behind the parcels.",
                ),
                [europol, *police.values()],
            ),
            "balkan": (
                room_get_or_create(
                    operation=operation,
                    name="Balkan route",
                    description="Parcels and couriers on the Balkan route.",
                ),
                [europol, *(police[c] for c in BALKAN_ROUTE), *(customs[c] for c in BALKAN_ROUTE)],
            ),
        }
        for room, members in rooms.values():
            for agency in members:
                room_member_add(room=room, agency=agency)

        wanted = [
            ("europol.coordinator", europol, Role.COORDINATOR),
            ("europol.analyst", europol, Role.ANALYST),
            ("taxud.coordinator", taxud, Role.COORDINATOR),
        ]
        for code in COUNTRIES:
            wanted.append((f"{code.lower()}.police", police[code], Role.LIAISON))
            wanted.append((f"{code.lower()}.customs", customs[code], Role.OFFICER))
        officers = {}
        for username, agency, role in wanted:
            officer = Officer.objects.filter(username=username).first() or officer_create(
                username=username, password=password, agency=agency, role=role
            )
            officers[username] = officer
        self.rooms = {key: room for key, (room, _) in rooms.items()}
        return officers

    def _post_reports(self, officers: dict[str, Officer]) -> None:
        rooms: dict[str, Room] = self.rooms
        demo = [
            (
                "gr.customs",
                "postal",
                {
                    "kind": "hit",
                    "handling": "amber",
                    "body": "Pistol frame and slide hidden in a speaker, declared as audio equipment.",
                    "location": {
                        "name": "Athens mail processing centre",
                        "country": "GR",
                        "site_type": "postal_hub",
                        "lat": 37.94,
                        "lon": 23.65,
                    },
                    "seizures": [
                        {
                            "category": "firearm_part",
                            "quantity": 2,
                            "description": "pistol frame and slide",
                        }
                    ],
                    "parcel": {
                        "tracking_number": "RR123456785US",
                        "carrier": "USPS",
                        "origin_country": "US",
                        "destination_country": "GR",
                        "declared_content": "audio equipment",
                        "weight_g": 2300,
                        "recipient": {
                            "name": "Γιώργος Παπαδόπουλος",
                            "phone": "694 123 4567",
                            "address": "Odos Ermou 12, Athina",
                        },
                    },
                },
            ),
            (
                "al.police",
                "balkan",
                {
                    "kind": "intel",
                    "handling": "green",
                    "body": "Vendor @balkangunsmith on a dark-web market ships converted alarm "
                    "pistols; contact +355 69 123 4567, paid in bitcoin.",
                    "selectors": [{"type": "vendor_handle", "value": "@balkangunsmith"}],
                },
            ),
            (
                "de.customs",
                "postal",
                {
                    "kind": "check",
                    "handling": "green",
                    "location": {
                        "name": "Frankfurt international mail centre",
                        "country": "DE",
                        "site_type": "postal_hub",
                    },
                    "checks_count": 412,
                    "outcome": "clear",
                },
            ),
            (
                "bg.customs",
                "postal",
                {
                    "kind": "check",
                    "handling": "green",
                    "location": {
                        "name": "Sofia airport courier terminal",
                        "country": "BG",
                        "site_type": "courier_hub",
                    },
                    "checks_count": 230,
                    "outcome": "suspicious",
                    "body": "Two parcels held for X-ray review.",
                },
            ),
            (
                "es.customs",
                "postal",
                {
                    "kind": "hit",
                    "handling": "green",
                    "location": {
                        "name": "Madrid Barajas postal centre",
                        "country": "ES",
                        "site_type": "postal_hub",
                    },
                    "seizures": [
                        {"category": "ammunition", "quantity": 150, "description": "9mm"},
                        {
                            "category": "other_weapon",
                            "quantity": 4,
                            "description": "knuckle-dusters",
                        },
                    ],
                },
            ),
            (
                "europol.coordinator",
                "whole",
                {
                    "kind": "update",
                    "handling": "green",
                    "body": "Day 1 of the action week: all partners connected. Post every check "
                    "and hit here or in your route's room.",
                },
            ),
        ]
        for index, (username, room_key, data) in enumerate(demo):
            data = dict(data, client_id=str(uuid.uuid5(DEMO_NAMESPACE, f"demo-report-{index}")))
            report_create(
                room=rooms[room_key], author=officers[username], data=data, origin="load_demo"
            )
