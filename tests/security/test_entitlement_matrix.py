"""The entitlement matrix: every channel that carries report-derived data, checked
against the rule of DESIGN.md for every officer of a generated world.

The world: one operation with two rooms and a second operation whose coordinator's
agency takes part in the first one without coordinating it; officers of six
countries and every role; 20 reports (4 authors x 5 handling codes), red ones with
a named recipient, exact matches (shared phones) and fuzzy ones (similar people),
an import of earlier seizures by an analyst, and risk indicators that score
parcels against all of it.

Every report carries secrets: a marker in its body, and for some a person's name
found in no other report. An event or response delivered to an officer "leaks"
when it holds a secret of a report the officer is not entitled to read (the oracle
below states the rule in DESIGN terms, independently of apps/reports/visibility.py),
or when a total it carries is larger than the same total over the reports the
officer may read. The test counts leaks per channel, prints the counts, and fails
above 0.
"""

import csv
import io
import json
import re
from collections import Counter as Tally
from collections import defaultdict
from dataclasses import dataclass, field

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.accounts.models import Country, Role
from apps.crossmatch.models import Match
from apps.crossmatch.services import report_match
from apps.intel.imports import import_file, import_run_start
from apps.intel.services import indicator_create
from apps.operations.models import Participation, RoomMembership
from apps.reports.models import Report, Selector
from apps.reports.services import report_create
from commandcentre.asgi import application
from tests.factories import AgencyFactory, OfficerFactory, RoomFactory, join, report_data, take_part
from tests.sockets import ORIGIN, SOCKET_TESTS

pytestmark = SOCKET_TESTS

HANDLINGS = ["clear", "green", "amber", "amber+strict", "red"]
PHONES = ["+306941110000", "+306941110001", "+306941110002"]
PERSON_DOB = "1975-03-04"
# Similar people in the Balkan room's restricted reports (one surname per report,
# found nowhere else) and one in a green postal report: fuzzy matches across rooms.
BALKAN_PEOPLE = {
    "red": "Dimitrios Konstantinidis-Vlachos",
    "amber": "Dimitrios Konstantinidis-Rallis",
    "amber+strict": "Dimitrios Konstantinidis-Zervas",
}
POSTAL_PERSON = "Dimitris Konstantinidis"
WAIT = 3
CLOSED: dict[int, int] = {}  # sockets the server closed, with the close code
EARLY: dict[int, list[dict]] = {}  # events read while telling accepted sockets from refused


# --------------------------------------------------------------------- the oracle


@dataclass
class Facts:
    """What DESIGN.md's rule needs, read once from the database after the world is made."""

    participation: dict[tuple[int, int], bool] = field(
        default_factory=dict
    )  # (agency, op) -> coordinating
    members: set[tuple[int, int]] = field(default_factory=set)  # (room, agency)
    officers: dict[int, tuple[int, str]] = field(default_factory=dict)  # officer -> (agency, role)
    reports: dict[int, dict] = field(default_factory=dict)

    def entitled(self, officer_id: int, report_id: int) -> bool:
        r = self.reports[report_id]
        agency, role = self.officers[officer_id]
        if r["author"] == officer_id:
            return True
        if (agency, r["operation"]) not in self.participation:
            return False
        if r["handling"] in ("clear", "green"):
            return True
        if r["handling"] in ("amber", "amber+strict"):
            return (r["room"], agency) in self.members
        coordinates = role == Role.COORDINATOR and self.participation[(agency, r["operation"])]
        return coordinates or officer_id in r["recipients"]

    def exportable(self, officer_id: int, report_id: int) -> bool:
        return self.reports[report_id]["handling"] in ("clear", "green", "amber") and self.entitled(
            officer_id, report_id
        )


def read_facts() -> Facts:
    facts = Facts()
    for agency, op, coordinating in Participation.objects.values_list(
        "agency_id", "operation_id", "coordinating"
    ):
        facts.participation[(agency, op)] = coordinating
    facts.members = set(RoomMembership.objects.values_list("room_id", "agency_id"))
    from apps.accounts.models import Officer

    facts.officers = {o.pk: (o.agency_id, o.role) for o in Officer.objects.all()}
    for report in Report.objects.select_related("room").prefetch_related("recipients", "seizures"):
        facts.reports[report.pk] = {
            "author": report.author_id,
            "operation": report.room.operation_id,
            "room": report.room_id,
            "handling": report.handling,
            "country": report.country_id,
            "recipients": {o.pk for o in report.recipients.all()},
            "explosive": sum(
                s.quantity for s in report.seizures.all() if s.category == "explosive"
            ),
            "secrets": _secrets(report),
        }
    return facts


def _secrets(report: Report) -> list[str]:
    secrets = re.findall(r"SECRET\d+X", report.body)
    for name in list(BALKAN_PEOPLE.values()):
        if name in report.body or report.parties.filter(name=name).exists():
            secrets.append(name.rsplit("-", 1)[1])
    return secrets


# ------------------------------------------------------------------ the counting


class Ledger:
    """Events and responses delivered per channel, and those outside entitlement."""

    def __init__(self, facts: Facts):
        self.facts = facts
        self.delivered: Tally = Tally()
        self.leaks: Tally = Tally()
        self.examples: dict[str, list[str]] = defaultdict(list)

    def check_text(self, channel: str, officer_id: int, payload) -> None:
        """One delivered event or response: does it hold a secret of a report the officer
        may not read?"""
        text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
        self.delivered[channel] += 1
        leaked = [
            (rid, secret)
            for rid, r in self.facts.reports.items()
            if not self.facts.entitled(officer_id, rid)
            for secret in r["secrets"]
            if secret in text
        ]
        if leaked:
            self._leak(channel, f"officer {officer_id} got {leaked[:3]}")

    def check_report_ids(self, channel: str, officer_id: int, ids, *, export=False) -> None:
        rule = self.facts.exportable if export else self.facts.entitled
        for rid in ids:
            self.delivered[channel] += 1
            if not rule(officer_id, rid):
                self._leak(channel, f"officer {officer_id} got report {rid}")

    def check_total(self, channel: str, officer_id: int, got: int, *, room=None, country=None):
        """A seized-explosives total may not exceed the same total over readable reports."""
        self.delivered[channel] += 1
        allowed = sum(
            r["explosive"]
            for rid, r in self.facts.reports.items()
            if self.facts.entitled(officer_id, rid)
            and (room is None or r["room"] == room)
            and (country is None or r["country"] == country)
        )
        if got > allowed:
            self._leak(channel, f"officer {officer_id}: {got} > {allowed} (room={room}, {country})")

    def check_stats(self, channel: str, officer_id: int, stats: dict) -> None:
        self.check_total(channel, officer_id, stats["total"].get("seized.explosive", 0))
        for room, metrics in stats.get("room", {}).items():
            self.check_total(
                channel, officer_id, metrics.get("seized.explosive", 0), room=int(room)
            )
        for country, metrics in stats.get("country", {}).items():
            self.check_total(
                channel, officer_id, metrics.get("seized.explosive", 0), country=country
            )

    def _leak(self, channel: str, example: str) -> None:
        self.leaks[channel] += 1
        if len(self.examples[channel]) < 3:
            self.examples[channel].append(example)

    def report(self) -> str:
        lines = [f"{'channel':<22} {'delivered':>9} {'outside entitlement':>20}"]
        for channel in sorted(self.delivered):
            lines.append(f"{channel:<22} {self.delivered[channel]:>9} {self.leaks[channel]:>20}")
        for channel, examples in self.examples.items():
            lines.append(f"  {channel}: {examples}")
        return "\n".join(lines)


# --------------------------------------------------------------------- the world


def make_world():
    country = {c: Country.objects.get(code=c) for c in ("GR", "BG", "AL", "DE", "NL", "BE", "FR")}
    gr = AgencyFactory(country=country["GR"], name="Hellenic Customs", kind="customs")
    bg = AgencyFactory(country=country["BG"], name="Bulgarian Customs", kind="customs")
    al = AgencyFactory(country=country["AL"], name="Albanian Police", kind="police")
    de = AgencyFactory(country=country["DE"], name="German Police", kind="police")
    europol = AgencyFactory(country=country["NL"], name="Europol", kind="coordinator")
    dg_home = AgencyFactory(country=country["BE"], name="DG HOME", kind="coordinator")
    fr = AgencyFactory(country=country["FR"], name="French Police", kind="police")
    postal = RoomFactory(name="Postal hubs")
    balkan = RoomFactory(name="Balkan route", operation=postal.operation)
    operation = postal.operation
    join(postal, gr, bg, europol)
    join(balkan, al, europol)
    take_part(operation, de)
    # DG HOME coordinates another operation and only takes part in this one, in the
    # Balkan room: its coordinator is a coordinator elsewhere, a member here.
    take_part(operation, dg_home, coordinating=False)
    RoomMembership.objects.create(room=balkan, agency=dg_home)
    other = RoomFactory(name="Elsewhere").operation
    take_part(other, dg_home, coordinating=True)
    officers = {
        "gr.officer": OfficerFactory(username="gr.officer", agency=gr),
        "gr.liaison": OfficerFactory(username="gr.liaison", agency=gr, role=Role.LIAISON),
        "gr.analyst": OfficerFactory(username="gr.analyst", agency=gr, role=Role.ANALYST),
        "bg.officer": OfficerFactory(username="bg.officer", agency=bg),
        "al.liaison": OfficerFactory(username="al.liaison", agency=al, role=Role.LIAISON),
        "de.liaison": OfficerFactory(username="de.liaison", agency=de, role=Role.LIAISON),
        "europol.coordinator": OfficerFactory(
            username="europol.coordinator", agency=europol, role=Role.COORDINATOR
        ),
        "europol.analyst": OfficerFactory(
            username="europol.analyst", agency=europol, role=Role.ANALYST
        ),
        "dghome.coordinator": OfficerFactory(
            username="dghome.coordinator", agency=dg_home, role=Role.COORDINATOR
        ),
        "fr.coordinator": OfficerFactory(
            username="fr.coordinator", agency=fr, role=Role.COORDINATOR
        ),
    }
    indicator_create(
        operation=operation, officer=officers["europol.analyst"],
        data={"name": "person seen", "kind": "earlier_person", "weight": 30,
              "explanation": "named before", "params": {"min_score": 0.7}},
    )  # fmt: skip
    indicator_create(
        operation=operation, officer=officers["europol.analyst"],
        data={"name": "phone seen", "kind": "earlier_selector", "weight": 20,
              "explanation": "phone before", "params": {"types": ["phone"]}},
    )  # fmt: skip
    return operation, postal, balkan, officers


AUTHORS = [("gr.officer", "postal"), ("bg.officer", "postal"), ("al.liaison", "balkan"),
           ("europol.coordinator", "postal")]  # fmt: skip


def report_plan(officers) -> list[tuple]:
    """(author, room name, data) for 4 authors x 5 handling codes."""
    plan = []
    n = 0
    for author, room in AUTHORS:
        for handling in HANDLINGS:
            n += 1
            data = report_data(
                "hit",
                handling=handling,
                body=f"Seizure SECRET{n:03d}X at the hub; contact {PHONES[n % 3]}.",
                seizures=[{"category": "explosive", "quantity": n}],
            )
            if handling == "red":
                # a named recipient in the other room's agency
                data["recipients"] = ["al.liaison" if room == "postal" else "gr.officer"]
            if room == "balkan" and handling in BALKAN_PEOPLE:
                data["people"] = [{"name": BALKAN_PEOPLE[handling], "date_of_birth": PERSON_DOB}]
            if author == "gr.officer" and handling == "green":
                data["people"] = [{"name": POSTAL_PERSON, "date_of_birth": PERSON_DOB}]
            plan.append((author, room, data))
    return plan


IMPORT_CSV = (
    "reference,country,agency,kind,handling,occurred_at,body,seizures,parcel.tracking_number,"
    "parcel.origin_country,parcel.destination_country,parcel.declared_content,parcel.weight_g,"
    "parcel.recipient.name,parcel.recipient.phone,parcel.recipient.date_of_birth\n"
    'GR-19-001,GR,Hellenic Customs,hit,amber,2019-12-02T10:00:00Z,"Pistol SECRET900X",'
    f"firearm:1:Glock 17,RR123456785US,US,GR,audio equipment,2300,Dimitris Konstantinou,"
    f"{PHONES[1]},1975-03-04\n"
)


# ---------------------------------------------------------------------- sockets


async def _open(path: str, key: str) -> WebsocketCommunicator | None:
    """A socket the server accepted, or None where it refused (an `error`, then a close)."""
    communicator = WebsocketCommunicator(
        application, path, headers=[ORIGIN, (b"authorization", f"Token {key}".encode())]
    )
    connected, _ = await communicator.connect(timeout=WAIT)
    if not connected:
        return None
    first = await _drain(communicator, quiet=0.2, limit=1)
    if first and first[0]["type"] == "error":
        await _drain(communicator, quiet=0.2)  # the close that follows a refusal
    if id(communicator) in CLOSED:
        CLOSED.pop(id(communicator))
        return None
    EARLY[id(communicator)] = first
    return communicator


async def _drain(communicator: WebsocketCommunicator, quiet: float = 0.3, limit=None) -> list[dict]:
    """Every event until the socket has been quiet for `quiet` seconds (or closed)."""
    events = EARLY.pop(id(communicator), [])
    while limit is None or len(events) < limit:
        # receive_nothing waits without cancelling the application (receive_output's
        # timeout would)
        if await communicator.receive_nothing(timeout=quiet):
            return events
        message = await communicator.receive_output(timeout=WAIT)
        if message["type"] == "websocket.close":
            CLOSED[id(communicator)] = message.get("code")
            return events
        events.append(json.loads(message["text"]))
    return events


def pairs_gain_a_selector() -> None:
    """Every matched pair's two reports get one more shared selector (an e-mail address),
    and the later one is matched again, as if the address had been found late."""
    for match in Match.objects.all():
        address = f"pair{match.pk}@example.org"
        for report_id in (match.report_a_id, match.report_b_id):
            Selector.objects.create(
                report_id=report_id, type="email", value=address, normalised=address
            )
        Report.objects.filter(pk=match.report_b_id).update(matched_at=None)
        report_match(match.report_b_id)


# ------------------------------------------------------------------------- test


async def test_no_channel_delivers_anything_outside_entitlement(capsys):
    # given: the world, and every officer's sockets open before anything is posted
    operation, postal, balkan, officers = await sync_to_async(make_world)()
    rooms = {"postal": postal, "balkan": balkan}
    keys = {
        name: (await sync_to_async(Token.objects.get)(user=o)).key for name, o in officers.items()
    }
    room_sockets, alert_sockets, dashboard_sockets = {}, {}, {}
    for name in officers:
        for room in rooms.values():
            socket = await _open(f"/ws/rooms/{room.pk}/", keys[name])
            if socket is not None:
                room_sockets[(name, room.pk)] = socket
        alert_sockets[name] = await _open("/ws/alerts/", keys[name])
        socket = await _open(f"/ws/operations/{operation.pk}/dashboard/", keys[name])
        if socket is not None:
            dashboard_sockets[name] = socket

    # when: the reports are posted (matched in-process as a worker would) and an
    # analyst imports earlier seizures
    plan = await sync_to_async(report_plan)(officers)
    for author, room, data in plan:
        await sync_to_async(report_create)(room=rooms[room], author=officers[author], data=data)

    def run_import():
        run = import_run_start(operation=operation, officer=officers["europol.analyst"],
                               name="earlier.csv", file_format="csv")  # fmt: skip
        return import_file(run, io.BytesIO(IMPORT_CSV.encode()))

    run = await sync_to_async(run_import)()
    # and pairs matched before turn out to share an e-mail address too: their alerts are
    # sent again, whole (alert.updated)
    await sync_to_async(pairs_gain_a_selector)()
    facts = await sync_to_async(read_facts)()
    ledger = Ledger(facts)
    ids = {name: o.pk for name, o in officers.items()}

    # then: live socket events
    for (name, _room_id), socket in room_sockets.items():
        live = await _drain(socket)
        if id(socket) not in CLOSED:
            await socket.send_json_to({"type": "resume", "after_seq": 0})
        for event in live + await _drain(socket):
            channel = "room socket"
            if event["type"] == "report.created":
                ledger.check_report_ids(channel, ids[name], [event["report"]["id"]])
            ledger.check_text(channel, ids[name], event)
    alert_types: Tally = Tally()
    for name, socket in alert_sockets.items():
        for event in await _drain(socket):
            alert_types[event["type"]] += 1
            ledger.check_text("alert socket", ids[name], event)
    for name, socket in dashboard_sockets.items():
        totals: Tally = Tally()
        for event in await _drain(socket):
            if event["type"] == "stats.snapshot":
                ledger.check_stats("dashboard socket", ids[name], event["stats"])
            elif event["type"] == "stats.delta":
                for scope, key, metric, amount in event["delta"]:
                    if metric == "seized.explosive":
                        totals[(scope, key)] += amount
        ledger.check_total("dashboard deltas", ids[name], totals[("total", "")])
        for (scope, key), amount in totals.items():
            if scope == "room":
                ledger.check_total("dashboard deltas", ids[name], amount, room=int(key))
    assert CLOSED == {}, f"sockets closed by the server: {CLOSED}"
    for socket in [*room_sockets.values(), *alert_sockets.values(), *dashboard_sockets.values()]:
        await socket.disconnect(timeout=WAIT)
    await sync_to_async(connections.close_all)()

    # and every HTTP channel
    await sync_to_async(_http_channels)(ledger, operation, rooms, officers, facts, run)

    with capsys.disabled():  # the counts per channel, in every run
        print("\nentitlement matrix: events outside entitlement per channel\n" + ledger.report())
    assert sum(ledger.delivered.values()) > 1000  # the matrix really ran
    assert ledger.delivered["alert socket"] > 0 and ledger.delivered["scoring"] > 0
    assert alert_types["alert.created"] > 0 and alert_types["alert.updated"] > 0, alert_types
    assert dict(ledger.leaks) == {}, ledger.report()


def _http_channels(ledger: Ledger, operation, rooms, officers, facts: Facts, run) -> None:
    report_ids = sorted(facts.reports)
    for name, officer in officers.items():
        oid = officer.pk
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {officer.auth_token.key}")
        page = Client()
        page.force_login(officer)

        # REST lists, filters and counts, details and their errors
        for room in rooms.values():
            for query in ("", "&handling=red", "&handling=amber", "&kind=hit", "&country=AL"):
                response = api.get(
                    f"/api/v1/rooms/{room.pk}/reports/?after_seq=0&page_size=500{query}"
                )
                ledger.check_text("REST list", oid, response.content.decode())
                if response.status_code == 200:
                    body = response.json()
                    ledger.check_report_ids("REST list", oid, [r["id"] for r in body["results"]])
                    readable_here = [
                        rid for rid, r in facts.reports.items()
                        if r["room"] == room.pk and facts.entitled(oid, rid)
                    ]  # fmt: skip
                    ledger.delivered["REST count"] += 1
                    if body["count"] > len(readable_here):
                        ledger._leak("REST count", f"{name}: {body['count']} in room {room.pk}")
        for rid in report_ids:
            response = api.get(f"/api/v1/reports/{rid}/")
            ledger.check_text("REST detail", oid, response.content.decode())
            if response.status_code == 200:
                ledger.check_report_ids("REST detail", oid, [rid])
            response = page.get(f"/reports/{rid}/")
            ledger.check_text("report page", oid, response.content.decode())

        # alerts: REST, page
        response = api.get("/api/v1/alerts/?page_size=1000")
        for alert in response.json()["results"]:
            ledger.check_text("alerts REST", oid, alert)
            full = [r["id"] for r in alert["match"]["reports"] if "body" in r]
            ledger.check_report_ids("alerts REST", oid, full)
        ledger.check_text("alerts page", oid, page.get("/alerts/").content.decode())

        # dashboard: REST, page, live panel; results and CSV
        response = api.get(f"/api/v1/operations/{operation.pk}/stats/")
        ledger.check_text("dashboard REST", oid, response.content.decode())
        if response.status_code == 200:
            ledger.check_stats("dashboard REST", oid, response.json()["stats"])
        for path in ("dashboard", "dashboard/live", "results"):
            response = page.get(f"/operations/{operation.pk}/{path}/")
            ledger.check_text(f"{path} page", oid, response.content.decode())
        response = page.get(f"/operations/{operation.pk}/results/reports.csv")
        if response.status_code == 200:
            text = b"".join(response.streaming_content).decode()
            ledger.check_text("CSV", oid, text)
            exported = [int(row[0]) for row in list(csv.reader(io.StringIO(text)))[1:] if row]
            ledger.check_report_ids("CSV", oid, exported, export=True)
        else:
            ledger.check_text("CSV", oid, response.content.decode())

        # scoring: a parcel that meets the earlier people and phones
        parcel = {
            "tracking_number": "RR123456785US", "origin_country": "US",
            "destination_country": "GR", "weight_g": 900,
            "recipient": {"name": POSTAL_PERSON, "date_of_birth": PERSON_DOB, "phone": PHONES[0]},
            "sender": {"name": "Dimitrios Konstantinidis", "phone": PHONES[2]},
        }  # fmt: skip
        response = api.post(
            f"/api/v1/operations/{operation.pk}/score/?record=false", parcel, format="json"
        )
        ledger.check_text("scoring", oid, response.content.decode())

        # import matches and the run itself
        for path in (f"/api/v1/imports/{run.pk}/", f"/api/v1/imports/{run.pk}/matches/"):
            response = api.get(path)
            ledger.check_text("import matches", oid, response.content.decode())
            if response.status_code == 200 and "results" in response.json():
                for match in response.json()["results"]:
                    full = [r["id"] for r in match["reports"] if "author" in r]
                    ledger.check_report_ids("import matches", oid, full)
        # indicators and their counts
        response = api.get(f"/api/v1/operations/{operation.pk}/indicators/")
        ledger.check_text("indicators", oid, response.content.decode())

    # last, as amending a readable report posts a new one: an error that names a
    # report must say nothing of it
    for officer in officers.values():
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {officer.auth_token.key}")
        for rid in report_ids:
            for room in rooms.values():
                response = api.post(
                    f"/api/v1/rooms/{room.pk}/reports/",
                    report_data("update", amends=rid, body="amending"),
                    format="json",
                )
                ledger.check_text("error bodies", officer.pk, response.content.decode())
