"""The event catalogue (apps/core/events.py), in the spirit of Zulip's `verify_action`.

Every publish site is driven through the real services, with the sockets open that
its events are for. What reaches the channel layer (every event `publish` sends, and
the presence announcements the room socket sends itself) and every frame the
sockets send their clients is captured, then checked against the schemas each app
declares in its events.py. The catalogue must name every type published, and every
type it names must have been published by the drive: it stays complete and true.
"""

import copy
import io

import jsonschema
import pytest
from asgiref.sync import sync_to_async
from channels.layers import InMemoryChannelLayer
from django.test import Client

from apps.accounts.models import Role
from apps.accounts.services import officer_deactivate, token_revoke
from apps.alerts.services import alert_acknowledge
from apps.core.events import catalogue, declare
from apps.intel.imports import import_file, import_run_start
from apps.operations.services import operation_agency_remove, room_member_remove
from apps.reports.services import report_create
from tests.factories import OfficerFactory, report_data
from tests.intel.test_imports import GOOD_1, HEADER
from tests.sockets import ORIGIN, SOCKET_TESTS, WAIT, auth, connect, join_room

pytestmark = SOCKET_TESTS

PHONE_NOTE = "Buyer uses +30 694 123 4567"


@pytest.fixture
def layer_sent(monkeypatch):
    """Every (group, message) handed to the channel layer, as it was handed."""
    sent: list[tuple[str, dict]] = []
    real = InMemoryChannelLayer.group_send

    async def group_send(self, group, message):
        sent.append((group, copy.deepcopy(message)))
        await real(self, group, message)

    monkeypatch.setattr(InMemoryChannelLayer, "group_send", group_send)
    return sent


class Drive:
    """Runs one step at a time and says which event types it put on the layer."""

    def __init__(self, sent: list[tuple[str, dict]]):
        self.sent = sent
        self.frames: list[dict] = []  # every frame any socket sent its client

    async def step(self, action, *args, **kwargs) -> list[str]:
        before = len(self.sent)
        await sync_to_async(action)(*args, **kwargs)
        return sorted({event["type"] for _, event in self.sent[before:]})

    async def frame(self, communicator, frame_type: str) -> dict:
        """The socket's next frame of `frame_type`; every frame on the way is kept."""
        while True:
            frame = await communicator.receive_json_from(timeout=WAIT)
            self.frames.append(frame)
            if frame["type"] == frame_type:
                return frame


def post(author, room, **fields):
    return report_create(room=room, author=author, data=report_data(**fields)).report


def import_rows(operation, analyst):
    run = import_run_start(operation=operation, officer=analyst, name="old.csv", file_format="csv")
    return import_file(run, io.BytesIO((HEADER + GOOD_1).encode()))


def sign_out(browser: Client) -> None:
    assert browser.post("/logout/").status_code == 302


async def test_every_event_published_is_declared_and_keeps_its_schema(
    world, keys, sockets, layer_sent
):
    drive = Drive(layer_sent)
    analyst = await sync_to_async(OfficerFactory)(
        username="analyst", agency=world.coordinator.agency, role=Role.ANALYST
    )
    analyst_key = await sync_to_async(lambda: analyst.auth_token.key)()
    browser = Client()
    await sync_to_async(browser.force_login)(world.de_officer)
    cookie = (b"cookie", f"sessionid={browser.cookies['sessionid'].value}".encode())

    # given every socket an event is for: rooms, the dashboard, alerts
    gr_room = await join_room(sockets, world.postal, keys["gr.officer"])
    bg_room = await join_room(sockets, world.postal, keys["bg.officer"])
    al_room = await join_room(sockets, world.balkan, keys["al.officer"])
    dashboard = await connect(
        sockets, f"/ws/operations/{world.operation.pk}/dashboard/", auth(keys["coordinator"])
    )
    await drive.frame(dashboard, "stats.snapshot")
    gr_alerts = await connect(sockets, "/ws/alerts/", auth(keys["gr.officer"]))
    analyst_alerts = await connect(sockets, "/ws/alerts/", auth(analyst_key))
    de_alerts = await connect(sockets, "/ws/alerts/", [ORIGIN, cookie])
    de_token_alerts = await connect(sockets, "/ws/alerts/", auth(keys["de.officer"]))
    await drive.frame(gr_room, "presence")  # bg's arrival, announced to the room
    assert {e["type"] for _, e in layer_sent} == {"presence.changed"}

    # when each publish site is driven, then it publishes what it should
    gr, bg, postal = world.gr_officer, world.bg_officer, world.postal
    assert await drive.step(post, gr, postal, kind="intel", body=PHONE_NOTE) == [
        "report.created",
        "stats.delta",
    ]
    await drive.frame(gr_room, "report.created")
    await drive.frame(dashboard, "stats.delta")

    assert await drive.step(post, bg, postal, kind="intel", body=PHONE_NOTE) == [
        "alert.created",
        "report.created",
        "stats.delta",
    ]
    alert = await drive.frame(gr_alerts, "alert.created")
    await drive.frame(bg_room, "report.created")

    assert await drive.step(alert_acknowledge, alert_id=alert["alert"]["id"], officer=gr) == [
        "alert.updated"
    ]
    await drive.frame(gr_alerts, "alert.updated")

    # an imported row that matches the officers' live reports: they get alerts, the
    # analyst the run's summary
    assert await drive.step(import_rows, world.operation, analyst) == [
        "alert.created",
        "import.finished",
        "stats.delta",
    ]
    await drive.frame(analyst_alerts, "import.finished")
    await drive.frame(gr_alerts, "alert.created")

    assert await drive.step(room_member_remove, room=postal, agency=bg.agency) == ["access.changed"]
    await drive.frame(bg_room, "error")
    assert await drive.step(
        operation_agency_remove, operation=world.operation, agency=world.al_officer.agency
    ) == ["access.changed"]
    await drive.frame(al_room, "error")
    assert await drive.step(sign_out, browser) == ["access.changed"]
    await drive.frame(de_alerts, "error")
    assert await drive.step(officer_deactivate, officer=world.de_officer) == ["access.changed"]
    await drive.frame(de_token_alerts, "error")
    assert await drive.step(token_revoke, officer=gr) == ["access.changed"]
    await drive.frame(gr_room, "error")

    # then every event and every frame keeps its declared schema
    declared = catalogue()
    for group, event in layer_sent:
        assert event["type"] in declared, f"{event['type']} is published but not declared"
        errors = _errors(declared[event["type"]].event, {**event, "group": group})
        assert errors == [], (event["type"], errors)
    frame_schemas = {
        e.frame["properties"]["type"]["const"]: e.frame
        for e in declared.values()
        if e.frame is not None
    }
    checked = set()
    for frame in drive.frames:
        if frame["type"] in frame_schemas:
            assert _errors(frame_schemas[frame["type"]], frame) == [], frame
            checked.add(frame["type"])
    # and the catalogue holds nothing that was never published, nor sent to a client
    assert sorted({e["type"] for _, e in layer_sent}) == sorted(declared)
    assert checked == set(frame_schemas)


def _errors(schema: dict, instance: dict) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


def test_a_schema_refuses_what_its_event_does_not_carry():
    """The schemas are strict: a missing key, an extra key, a wrong type or group fail."""
    declared = catalogue()["alert.updated"].event
    good = {"type": "alert.updated", "group": "alerts.7", "alert": {"id": 1, "state": "new"}}

    assert _errors(declared, good) == []
    assert _errors(declared, {**good, "alert": {"id": 1}}) != []
    assert _errors(declared, {**good, "extra": 1}) != []
    assert _errors(declared, {**good, "alert": {"id": "1", "state": "new"}}) != []
    assert _errors(declared, {**good, "group": "room.7"}) != []


def test_an_event_type_cannot_be_declared_twice_differently():
    declared = catalogue()["alert.updated"]

    again = declare(
        "alert.updated",
        groups=declared.groups,
        event={"alert": declared.event["properties"]["alert"]},
        frame={"alert": declared.frame["properties"]["alert"]},
    )

    assert again == "alert.updated"
    with pytest.raises(ValueError):
        declare("alert.updated", groups=("alerts.{id}",), event={})
