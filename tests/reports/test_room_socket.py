"""The room socket (`/ws/rooms/{id}/`, reports/consumers.py), through the real ASGI
application: connecting, posting, resume, bad input, access, presence, Redis failing
under it, origins and paths.
"""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.accounts.models import Officer
from apps.accounts.services import officer_deactivate
from apps.core import presence as presence_module
from apps.core import sockets as core_sockets
from apps.operations.models import RoomMembership
from apps.operations.services import room_member_remove
from apps.reports.models import Report
from commandcentre.asgi import application
from tests.factories import report_data
from tests.sockets import (
    ORIGIN,
    SOCKET_TESTS,
    WAIT,
    acked,
    auth,
    closed_with,
    connect,
    create,
    events_of,
    join_room,
    next_event,
    reports_in,
    still_posts,
    until_true,
)

pytestmark = SOCKET_TESTS


async def test_no_credentials_get_an_error_then_4401(world, sockets):
    communicator = await connect(sockets, f"/ws/rooms/{world.postal.pk}/", [ORIGIN])

    event = await communicator.receive_json_from(timeout=WAIT)
    assert (event["type"], event["code"]) == ("error", "unauthenticated")
    assert await closed_with(communicator) == 4401


async def test_an_unknown_token_is_no_credential(world, sockets):
    communicator = await connect(sockets, f"/ws/rooms/{world.postal.pk}/", auth("0" * 40))

    assert (await communicator.receive_json_from(timeout=WAIT))["code"] == "unauthenticated"
    assert await closed_with(communicator) == 4401


async def test_a_token_in_the_query_string_is_ignored(world, keys, sockets):
    path = f"/ws/rooms/{world.postal.pk}/?token={keys['gr.officer']}"
    communicator = await connect(sockets, path, [ORIGIN])

    assert (await communicator.receive_json_from(timeout=WAIT))["code"] == "unauthenticated"
    assert await closed_with(communicator) == 4401


async def test_a_foreign_origin_is_refused_before_anything_else(world, keys, sockets):
    headers = [(b"origin", b"https://evil.example"), auth(keys["gr.officer"])[1]]
    communicator = await sockets(f"/ws/rooms/{world.postal.pk}/", headers)

    connected, _ = await communicator.connect(timeout=WAIT)

    assert connected is False


async def test_no_origin_is_refused(world, keys, sockets):
    communicator = await sockets(f"/ws/rooms/{world.postal.pk}/", auth(keys["gr.officer"])[1:])

    connected, _ = await communicator.connect(timeout=WAIT)

    assert connected is False


async def test_an_officer_whose_agency_is_not_a_member_gets_4403(world, keys, sockets):
    communicator = await connect(sockets, f"/ws/rooms/{world.postal.pk}/", auth(keys["de.officer"]))

    assert (await communicator.receive_json_from(timeout=WAIT))["code"] == "not_member"
    assert await closed_with(communicator) == 4403


async def test_an_unknown_room_gets_4404(world, keys, sockets):
    communicator = await connect(sockets, "/ws/rooms/999999/", auth(keys["gr.officer"]))

    assert (await communicator.receive_json_from(timeout=WAIT))["code"] == "not_found"
    assert await closed_with(communicator) == 4404


async def test_a_room_of_an_operation_one_does_not_take_part_in_gets_4404(world, keys, sockets):
    communicator = await connect(sockets, f"/ws/rooms/{world.postal.pk}/", auth(keys["fr.officer"]))

    assert (await communicator.receive_json_from(timeout=WAIT))["code"] == "not_found"
    assert await closed_with(communicator) == 4404


async def test_a_browser_session_cookie_opens_a_room_socket(world, sockets):
    # given a signed-in browser (session cookie, no token)
    def sign_in() -> str:
        client = Client()
        client.force_login(world.gr_officer)
        return client.cookies["sessionid"].value

    session = await sync_to_async(sign_in)()
    headers = [ORIGIN, (b"cookie", f"sessionid={session}".encode())]

    communicator = await connect(sockets, f"/ws/rooms/{world.postal.pk}/", headers)

    presence = await communicator.receive_json_from(timeout=WAIT)
    assert presence["online"] == [
        {"country": "GR", "agency": "Hellenic Customs", "officers": ["gr.officer"]}
    ]


async def test_too_many_sockets_of_one_officer_get_4429(world, keys, sockets, settings):
    settings.WS_MAX_CONNECTIONS_PER_OFFICER = 2
    first = await join_room(sockets, world.postal, keys["gr.officer"])
    await join_room(sockets, world.postal, keys["gr.officer"])

    third = await connect(sockets, f"/ws/rooms/{world.postal.pk}/", auth(keys["gr.officer"]))

    assert (await third.receive_json_from(timeout=WAIT))["code"] == "too_many_connections"
    assert await closed_with(third) == 4429
    # a closed socket frees its place
    await first.disconnect()
    await join_room(sockets, world.postal, keys["gr.officer"])


# --- posting and receiving ----------------------------------------------------


async def test_a_report_posted_on_the_socket_is_acked_and_sent_to_the_room(world, keys, sockets):
    gr = await join_room(sockets, world.postal, keys["gr.officer"])
    bg = await join_room(sockets, world.postal, keys["bg.officer"])
    await gr.receive_json_from(timeout=WAIT)  # presence: bg joined

    data = await create(gr, kind="hit", handling="amber")

    gr_events = await events_of(gr, 2, {"report.ack", "report.created"})
    by_type = {e["type"]: e for e in gr_events}
    report = await Report.objects.aget(client_id=data["client_id"])
    assert by_type["report.ack"] == {
        "type": "report.ack",
        "client_id": data["client_id"],
        "id": report.pk,
        "seq": 1,
        "created": True,
    }
    assert by_type["report.created"]["report"]["id"] == report.pk
    received = await next_event(bg)
    assert received["type"] == "report.created"
    assert received["report"]["seq"] == 1
    assert received["report"]["author"] == "gr.officer"
    assert received["report"]["country"] == "GR"
    assert received["report"]["seizures"] == [
        {"category": "firearm", "quantity": 1, "description": ""}
    ]


async def test_posting_the_same_client_id_again_returns_the_first_report(world, keys, sockets):
    gr = await join_room(sockets, world.postal, keys["gr.officer"])
    data = await create(gr)
    first = await acked(gr, data)

    await gr.send_json_to({"type": "report.create", "report": data})
    second = await acked(gr, data)

    assert (second["id"], second["seq"], second["created"]) == (first["id"], first["seq"], False)
    assert await reports_in(world.postal) == 1


async def test_a_red_report_reaches_its_recipients_and_not_other_members(world, keys, sockets):
    # given a member who is a named recipient, one who is not, and the coordinator
    bg = await join_room(sockets, world.postal, keys["bg.officer"])
    liaison = await join_room(sockets, world.postal, keys["gr.liaison"])
    coordinator = await join_room(sockets, world.postal, keys["coordinator"])
    gr = await join_room(sockets, world.postal, keys["gr.officer"])

    red = await create(gr, kind="intel", handling="red", recipients=["bg.officer"])
    await acked(gr, red)
    green = await create(gr, kind="update", handling="green")
    await acked(gr, green)

    # the recipient and the coordinator get both, the other member only the green one
    for socket in (bg, coordinator):
        first, second = await events_of(socket, 2, {"report.created"})
        assert [first["report"]["client_id"], second["report"]["client_id"]] == [
            red["client_id"],
            green["client_id"],
        ]
    (only,) = await events_of(liaison, 1, {"report.created"})
    assert only["report"]["client_id"] == green["client_id"]
    assert only["report"]["seq"] == 2


async def test_a_report_posted_over_rest_reaches_open_sockets(world, keys, sockets):
    bg = await join_room(sockets, world.postal, keys["bg.officer"])

    def post_over_rest():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {keys['gr.officer']}")
        return client.post(
            f"/api/v1/rooms/{world.postal.pk}/reports/", report_data("check"), format="json"
        )

    response = await sync_to_async(post_over_rest)()

    assert response.status_code == 201
    event = await next_event(bg)
    assert event["type"] == "report.created"
    assert event["report"]["id"] == response.json()["id"]
    assert event["report"]["kind"] == "check"


async def test_resume_replays_what_was_missed_in_order_then_says_done(world, keys, sockets, post):
    # given five reports, one of them red and not for bg
    await sync_to_async(post)(world.gr_officer, world.postal)
    await sync_to_async(post)(world.gr_officer, world.postal)
    await sync_to_async(post)(
        world.gr_officer, world.postal, kind="intel", handling="red", recipients=["coordinator"]
    )
    await sync_to_async(post)(world.bg_officer, world.postal)
    await sync_to_async(post)(world.gr_officer, world.postal)
    bg = await join_room(sockets, world.postal, keys["bg.officer"])

    await bg.send_json_to({"type": "resume", "after_seq": 1})

    replayed = [await next_event(bg) for _ in range(4)]
    assert [e["type"] for e in replayed] == ["report.created"] * 3 + ["resume.done"]
    assert [e["report"]["seq"] for e in replayed[:3]] == [2, 4, 5]
    assert replayed[3] == {"type": "resume.done", "after_seq": 1, "last_seq": 5, "more": False}


async def test_resume_with_nothing_missed_says_done_at_once(world, keys, sockets):
    gr = await join_room(sockets, world.postal, keys["gr.officer"])

    await gr.send_json_to({"type": "resume", "after_seq": 0})

    assert await next_event(gr) == {
        "type": "resume.done",
        "after_seq": 0,
        "last_seq": 0,
        "more": False,
    }


async def test_resume_with_a_bad_after_seq_is_invalid(world, keys, sockets):
    gr = await join_room(sockets, world.postal, keys["gr.officer"])

    for after_seq in (-1, "3", 1.5, True, None):
        await gr.send_json_to({"type": "resume", "after_seq": after_seq})

        event = await next_event(gr)
        assert (event["type"], event["code"]) == ("error", "invalid"), after_seq


# --- bad input -----------------------------------------------------------------


async def test_malformed_json_is_an_error_and_the_socket_goes_on(world, keys, sockets):
    gr = await join_room(sockets, world.postal, keys["gr.officer"])

    await gr.send_to(text_data='{"type": "report.create", "report": {')

    event = await next_event(gr)
    assert (event["type"], event["code"]) == ("error", "bad_json")
    await still_posts(gr, world.postal, 1)


async def test_a_frame_that_is_not_a_typed_object_is_an_error(world, keys, sockets):
    gr = await join_room(sockets, world.postal, keys["gr.officer"])

    for frame in ("[1, 2]", '"report.create"', "{}", '{"type": 7}', "null"):
        await gr.send_to(text_data=frame)

        event = await next_event(gr)
        assert (event["type"], event["code"]) == ("error", "bad_message"), frame
    await still_posts(gr, world.postal, 1)


async def test_a_binary_frame_is_an_error(world, keys, sockets):
    gr = await join_room(sockets, world.postal, keys["gr.officer"])

    await gr.send_to(bytes_data=b'{"type": "resume"}')

    event = await next_event(gr)
    assert (event["type"], event["code"]) == ("error", "bad_frame")
    await still_posts(gr, world.postal, 1)


async def test_an_unknown_type_is_an_error_and_the_socket_goes_on(world, keys, sockets):
    gr = await join_room(sockets, world.postal, keys["gr.officer"])

    await gr.send_json_to({"type": "report.delete", "id": 1})

    event = await next_event(gr)
    assert (event["type"], event["code"]) == ("error", "unknown_type")
    assert "report.create, resume" in event["message"]
    await still_posts(gr, world.postal, 1)


async def test_channel_layer_types_from_the_client_are_unknown(world, keys, sockets):
    # a client must not be able to fake an event, a presence list or a recheck
    gr = await join_room(sockets, world.postal, keys["gr.officer"])
    bg = await join_room(sockets, world.postal, keys["bg.officer"])
    assert (await gr.receive_json_from(timeout=WAIT))["type"] == "presence"  # bg joined
    messages = [
        {"type": "report.created", "report": {"id": 1, "seq": 1}, "access": {}},
        {"type": "presence.changed", "online": []},
        {"type": "access.changed"},
        {"type": "websocket.disconnect", "code": 1000},
        {"type": "send_event", "event": {"type": "report.created"}},
        {"type": "handle_create", "report": report_data()},
    ]

    for message in messages:
        await bg.send_json_to(message)

        event = await next_event(bg)
        assert (event["type"], event["code"]) == ("error", "unknown_type"), message

    # nothing reached the room, nothing was saved, and the sender still works
    assert await gr.receive_nothing(timeout=0.2)
    assert await reports_in(world.postal) == 0
    await still_posts(bg, world.postal, 1)
    assert (await next_event(gr))["report"]["author"] == "bg.officer"


async def test_a_report_with_errors_is_invalid_with_field_errors_and_not_saved(
    world, keys, sockets
):
    gr = await join_room(sockets, world.postal, keys["gr.officer"])

    await gr.send_json_to(
        {"type": "report.create", "report": {"client_id": "not-a-uuid", "kind": "hit", "seq": 9}}
    )

    event = await next_event(gr)
    assert event["type"] == "error"
    assert event["code"] == "invalid"
    assert event["client_id"] == "not-a-uuid"
    assert event["errors"] == {"seq": ["Set by the server; do not send it."]}
    assert await reports_in(world.postal) == 0

    data = report_data("hit", seizures=[])
    await gr.send_json_to({"type": "report.create", "report": data})
    event = await next_event(gr)
    assert (event["code"], event["client_id"]) == ("invalid", data["client_id"])
    assert event["errors"] == {"seizures": ["A hit needs at least one seizure line."]}

    await gr.send_json_to({"type": "report.create", "report": {"kind": "update"}})
    event = await next_event(gr)
    assert event["code"] == "invalid"
    assert event["errors"] == {"client_id": ["This field is required."]}

    await gr.send_json_to({"type": "report.create"})
    event = await next_event(gr)
    assert event["errors"] == {"non_field_errors": ["A report is a JSON object."]}

    assert await reports_in(world.postal) == 0
    await still_posts(gr, world.postal, 1)


async def test_an_oversized_frame_is_refused_and_the_socket_goes_on(world, keys, sockets, settings):
    settings.WS_MAX_FRAME_BYTES = 2000
    gr = await join_room(sockets, world.postal, keys["gr.officer"])

    big = report_data("update", body="x" * 3000)
    await gr.send_json_to({"type": "report.create", "report": big})

    event = await next_event(gr)
    assert (event["type"], event["code"]) == ("error", "frame_too_large")
    assert await reports_in(world.postal) == 0
    await still_posts(gr, world.postal, 1)


async def test_posting_faster_than_the_limit_is_rate_limited_and_not_saved(
    world, keys, sockets, settings
):
    settings.WS_REPORTS_BURST = 3
    settings.WS_REPORTS_PER_SECOND = 0.01
    gr = await join_room(sockets, world.postal, keys["gr.officer"])

    sent = [await create(gr) for _ in range(5)]

    answers = await events_of(gr, 5, {"report.ack", "error"})
    assert [a["type"] for a in answers] == ["report.ack"] * 3 + ["error"] * 2
    assert [a["client_id"] for a in answers] == [d["client_id"] for d in sent]
    assert {a["code"] for a in answers[3:]} == {"rate_limited"}
    assert await reports_in(world.postal) == 3


async def test_a_post_after_losing_membership_is_refused_by_the_service(world, keys, sockets):
    # the socket is still open (no recheck yet), but the service checks membership itself
    bg = await join_room(sockets, world.postal, keys["bg.officer"])
    await RoomMembership.objects.filter(room=world.postal, agency=world.bg_officer.agency).adelete()

    data = await create(bg)

    event = await next_event(bg)
    assert (event["type"], event["code"], event["client_id"]) == (
        "error",
        "not_member",
        data["client_id"],
    )
    assert await reports_in(world.postal) == 0


# --- access ------------------------------------------------------------------


async def test_deactivating_an_officer_closes_their_sockets_with_4403(world, keys, sockets):
    gr = await join_room(sockets, world.postal, keys["gr.officer"])
    bg = await join_room(sockets, world.postal, keys["bg.officer"])
    await gr.receive_json_from(timeout=WAIT)  # presence: bg joined

    # the service publishes access.changed on commit; no periodic recheck is due
    await sync_to_async(officer_deactivate)(officer=world.bg_officer)

    event = await bg.receive_json_from(timeout=WAIT)
    assert (event["type"], event["code"]) == ("error", "access_revoked")
    assert await closed_with(bg) == 4403
    # the other member stays connected and is told bg left once bg's socket is gone
    await bg.disconnect()
    presence = await gr.receive_json_from(timeout=WAIT)
    assert presence["online"] == [
        {"country": "GR", "agency": "Hellenic Customs", "officers": ["gr.officer"]}
    ]


async def test_the_periodic_recheck_closes_a_deactivated_officers_socket(
    world, keys, sockets, settings
):
    settings.WS_RECHECK_SECONDS = 0.1
    bg = await join_room(sockets, world.postal, keys["bg.officer"])

    await Officer.objects.filter(pk=world.bg_officer.pk).aupdate(is_active=False)

    event = await bg.receive_json_from(timeout=WAIT)
    assert (event["type"], event["code"]) == ("error", "access_revoked")
    assert await closed_with(bg) == 4403


async def test_deleting_the_token_closes_the_socket_it_opened(world, keys, sockets, settings):
    settings.WS_RECHECK_SECONDS = 0.1
    bg = await join_room(sockets, world.postal, keys["bg.officer"])

    await Token.objects.filter(user=world.bg_officer).adelete()

    assert (await bg.receive_json_from(timeout=WAIT))["code"] == "access_revoked"
    assert await closed_with(bg) == 4403


async def test_removing_the_agency_from_the_room_closes_its_sockets_only(world, keys, sockets):
    gr = await join_room(sockets, world.postal, keys["gr.officer"])
    bg = await join_room(sockets, world.postal, keys["bg.officer"])
    await gr.receive_json_from(timeout=WAIT)  # presence: bg joined

    await sync_to_async(room_member_remove)(room=world.postal, agency=world.bg_officer.agency)

    assert (await bg.receive_json_from(timeout=WAIT))["code"] == "access_revoked"
    assert await closed_with(bg) == 4403
    # gr was rechecked too and stays: it still posts and is still connected
    await still_posts(gr, world.postal, 1)


async def test_access_changed_leaves_a_socket_that_is_still_allowed_open(world, keys, sockets):
    # the coordinator has a token socket and a browser socket open
    browser = Client()
    await sync_to_async(browser.force_login)(world.coordinator)
    cookie = (b"cookie", f"sessionid={browser.cookies['sessionid'].value}".encode())
    coordinator = await join_room(sockets, world.postal, keys["coordinator"])
    in_browser = await connect(sockets, "/ws/alerts/", [ORIGIN, cookie])

    # signing out of the browser: access.changed reaches both sockets of the coordinator
    assert (await sync_to_async(browser.post)("/logout/")).status_code == 302

    assert (await in_browser.receive_json_from(timeout=WAIT))["code"] == "access_revoked"
    assert await closed_with(in_browser) == 4403
    assert await coordinator.receive_nothing(timeout=0.3)
    await still_posts(coordinator, world.postal, 1)


# --- presence ----------------------------------------------------------------


async def test_presence_lists_connected_officers_by_country_and_agency(world, keys, sockets):
    gr = await connect(sockets, f"/ws/rooms/{world.postal.pk}/", auth(keys["gr.officer"]))
    first = await gr.receive_json_from(timeout=WAIT)
    assert first == {
        "type": "presence",
        "room": world.postal.pk,
        "online": [{"country": "GR", "agency": "Hellenic Customs", "officers": ["gr.officer"]}],
    }

    await join_room(sockets, world.postal, keys["gr.liaison"])
    liaison_joined = await gr.receive_json_from(timeout=WAIT)
    bg = await join_room(sockets, world.postal, keys["bg.officer"])
    bg_joined = await gr.receive_json_from(timeout=WAIT)

    assert liaison_joined["online"] == [
        {"country": "GR", "agency": "Hellenic Customs", "officers": ["gr.liaison", "gr.officer"]}
    ]
    assert bg_joined["online"] == [
        {"country": "BG", "agency": "Bulgarian Customs", "officers": ["bg.officer"]},
        {"country": "GR", "agency": "Hellenic Customs", "officers": ["gr.liaison", "gr.officer"]},
    ]

    await bg.disconnect()

    bg_left = await gr.receive_json_from(timeout=WAIT)
    assert bg_left["online"] == [
        {"country": "GR", "agency": "Hellenic Customs", "officers": ["gr.liaison", "gr.officer"]}
    ]


async def test_presence_of_one_room_is_not_sent_to_another(world, keys, sockets):
    coordinator = await join_room(sockets, world.balkan, keys["coordinator"])

    await join_room(sockets, world.postal, keys["gr.officer"])

    assert await coordinator.receive_nothing(timeout=0.2)


# --- dashboard -----------------------------------------------------------------


def join_fails_once(store, monkeypatch) -> list:
    """Make the presence store's next join fail, as Redis does while it restarts; the
    list gets the seat that failed."""
    join = store.join
    failures = []

    async def join_failing_once(room, seat):
        if not failures:
            failures.append(seat)
            raise ConnectionError("Redis is restarting")
        await join(room, seat)

    monkeypatch.setattr(store, "join", join_failing_once)
    return failures


async def test_a_recheck_that_fails_once_does_not_stop_later_rechecks(
    world, keys, sockets, settings, monkeypatch
):
    # given a presence store that fails once, as Redis does while it restarts
    settings.WS_RECHECK_SECONDS = 0.05
    bg = await join_room(sockets, world.postal, keys["bg.officer"])
    store = presence_module.presence()
    failures = join_fails_once(store, monkeypatch)
    await until_true(lambda: failures)

    # when the officer is deactivated afterwards, the next recheck still closes the socket
    await Officer.objects.filter(pk=world.bg_officer.pk).aupdate(is_active=False)

    assert (await bg.receive_json_from(timeout=WAIT))["code"] == "access_revoked"
    assert await closed_with(bg) == 4403


async def test_a_socket_whose_cleanup_fails_leaves_no_seat_behind(
    world, keys, settings, monkeypatch
):
    # given Redis is gone when the client goes away, so leaving the room fails
    settings.WS_RECHECK_SECONDS = 0.05
    path = f"/ws/rooms/{world.postal.pk}/"
    bg = WebsocketCommunicator(application, path, auth(keys["bg.officer"]))
    assert (await bg.connect(timeout=WAIT))[0]
    store = presence_module.presence()

    async def leave_failing(room, seat):
        raise ConnectionError("Redis is restarting")

    monkeypatch.setattr(store, "leave", leave_failing)
    await bg.send_input({"type": "websocket.disconnect", "code": 1001})
    try:
        await bg.wait(timeout=WAIT)
    except ConnectionError:
        pass  # the consumer may report the failed cleanup; it must not live on

    # when a few recheck periods pass and the seat is cleared as stale
    await asyncio.sleep(0.3)
    store.rooms[f"room.{world.postal.pk}"].clear()
    await asyncio.sleep(0.3)

    # then no watcher of the closed socket has put its seat back
    assert await store.seats(f"room.{world.postal.pk}") == []


async def test_a_socket_that_fails_while_connecting_leaves_no_watcher_behind(
    world, keys, settings, monkeypatch
):
    # given Redis goes away while a socket connects, after it was accepted
    settings.WS_RECHECK_SECONDS = 0.05
    store = presence_module.presence()
    failures = join_fails_once(store, monkeypatch)
    path = f"/ws/rooms/{world.postal.pk}/"
    bg = WebsocketCommunicator(application, path, auth(keys["bg.officer"]))

    # when the consumer fails in connect
    connected, _ = await bg.connect(timeout=WAIT)

    # then the client is told to try again (1013), not left with a broken socket
    assert connected is True
    event = await bg.receive_json_from(timeout=WAIT)
    assert (event["type"], event["code"]) == ("error", "unavailable")
    assert await closed_with(bg) == 1013
    assert len(failures) == 1
    # and nothing it started lives on to put its seat in the room
    await asyncio.sleep(0.3)
    assert await store.seats(f"room.{world.postal.pk}") == []


async def test_a_socket_is_told_to_reconnect_after_the_layer_reconnected(
    world, keys, sockets, settings, monkeypatch
):
    # given an open socket, and the process's subscriber connection to Redis re-made
    # (events published while it was down are lost: see tests/integration)
    settings.WS_RECHECK_SECONDS = 0.05
    gr = await join_room(sockets, world.postal, keys["gr.officer"])

    watch = core_sockets.subscriber_watch
    monkeypatch.setattr(watch, "generation", watch.generation + 1)

    event = await gr.receive_json_from(timeout=WAIT)
    assert (event["type"], event["code"]) == ("error", "reconnect")
    assert await closed_with(gr) == 1012
    # a socket opened afterwards is not closed again
    again = await join_room(sockets, world.postal, keys["gr.officer"])
    assert await again.receive_nothing(timeout=0.3)


async def test_a_page_on_another_port_cannot_open_a_socket(world, keys, sockets):
    # given an officer's credential sent from a page on the same host but another port
    headers = [(b"host", b"127.0.0.1:8000"), (b"origin", b"http://127.0.0.1:9999")]
    foreign = await sockets(f"/ws/rooms/{world.postal.pk}/", headers + auth(keys["gr.officer"])[1:])
    own = await sockets(
        f"/ws/rooms/{world.postal.pk}/",
        [(b"host", b"127.0.0.1:8000"), (b"origin", b"http://127.0.0.1:8000")]
        + auth(keys["gr.officer"])[1:],
    )

    # when both connect; then only the page of the server's own origin gets in
    assert (await foreign.connect(timeout=WAIT))[0] is False
    assert (await own.connect(timeout=WAIT))[0] is True


@pytest.mark.parametrize("path", ["/ws/rooms/abc/", "/ws/nothing/", "/ws/rooms/1/extra/", "/"])
async def test_an_unknown_socket_path_is_refused_with_4404(world, keys, sockets, path):
    communicator = await connect(sockets, path, auth(keys["gr.officer"]))

    event = await communicator.receive_json_from(timeout=WAIT)
    assert event == {"type": "error", "code": "not_found", "message": "No such socket."}
    assert await closed_with(communicator) == 4404


async def test_resumes_over_the_rate_are_refused_and_do_nothing(
    world, keys, sockets, post, settings, monkeypatch
):
    # given three reports and a room socket allowed two resumes (and no refill to speak of)
    settings.WS_RESUMES_BURST = 2
    settings.WS_RESUMES_PER_SECOND = 0.001
    for _ in range(3):
        await sync_to_async(post)(world.gr_officer, world.postal)
    from apps.reports import consumers as room_consumers

    queries = []
    real_resume = room_consumers._resume
    monkeypatch.setattr(
        room_consumers, "_resume", lambda *a: queries.append(a[2]) or real_resume(*a)
    )
    bg = await join_room(sockets, world.postal, keys["bg.officer"])

    # when it sends three resumes
    for _ in range(3):
        await bg.send_json_to({"type": "resume", "after_seq": 0})

    # then two are answered in full, the third is refused without a query
    answered = await events_of(bg, 9, {"report.created", "resume.done", "error"})
    assert [e["type"] for e in answered] == (["report.created"] * 3 + ["resume.done"]) * 2 + [
        "error"
    ]
    assert answered[-1] == {
        "type": "error",
        "code": "rate_limited",
        "message": "At most 0.001 resumes per second; send the next one after resume.done.",
        "after_seq": 0,
    }
    assert queries == [0, 0]
    assert await bg.receive_nothing(timeout=0.2)


async def test_queued_resumes_stop_when_the_socket_is_closed_for_being_slow(
    world, keys, sockets, post, monkeypatch
):
    # given ten reports and a socket whose outbox holds three frames
    for _ in range(10):
        await sync_to_async(post)(world.gr_officer, world.postal)
    monkeypatch.setattr(core_sockets, "OUTBOX_SIZE", 3)
    from apps.reports import consumers as room_consumers

    queries = []
    real_resume = room_consumers._resume
    monkeypatch.setattr(
        room_consumers, "_resume", lambda *a: queries.append(a[2]) or real_resume(*a)
    )
    bg = await connect(sockets, f"/ws/rooms/{world.postal.pk}/", auth(keys["bg.officer"]))

    # when it sends five resumes at once, the first of which overflows the outbox
    for _ in range(5):
        await bg.send_json_to({"type": "resume", "after_seq": 0})

    # then the socket is closed as too slow, and the queued resumes did no work
    while (message := await bg.receive_output(timeout=WAIT))["type"] != "websocket.close":
        pass
    assert message["code"] == 4008
    await asyncio.sleep(0.2)  # let any queued frame run, were it still going to
    assert queries == [0]
