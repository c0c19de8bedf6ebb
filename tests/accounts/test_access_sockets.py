"""Taking access away closes the officer's sockets at once, through the real services.

No periodic recheck is due in these tests (WS_RECHECK_SECONDS is 60): what
closes a socket is the access.changed event the service publishes on commit.
"""

from datetime import timedelta

from asgiref.sync import sync_to_async
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.accounts.services import officer_deactivate
from apps.operations.services import operation_agency_remove
from tests.sockets import (
    ORIGIN,
    SOCKET_TESTS,
    WAIT,
    auth,
    closed_with,
    connect,
    join_room,
    next_event,
    still_posts,
)

pytestmark = SOCKET_TESTS


def dashboard_path(world) -> str:
    return f"/ws/operations/{world.operation.pk}/dashboard/"


async def open_dashboard(sockets, world, headers):
    dashboard = await connect(sockets, dashboard_path(world), headers)
    assert (await dashboard.receive_json_from(timeout=WAIT))["type"] == "stats.snapshot"
    return dashboard


async def revoked(communicator) -> int:
    event = await next_event(communicator)  # past presence announcements
    assert (event["type"], event["code"]) == ("error", "access_revoked"), event
    return await closed_with(communicator)


async def signed_in_browser(officer) -> tuple[Client, tuple[bytes, bytes]]:
    browser = Client()
    await sync_to_async(browser.force_login)(officer)
    return browser, (b"cookie", f"sessionid={browser.cookies['sessionid'].value}".encode())


async def test_revoking_my_token_closes_every_socket_it_opened(world, keys, sockets):
    # given: a room, an alerts and a dashboard socket on the GR liaison officer's token
    key = keys["gr.liaison"]
    room = await join_room(sockets, world.postal, key)
    alerts = await connect(sockets, "/ws/alerts/", auth(key))
    dashboard = await open_dashboard(sockets, world, auth(key))
    other = await join_room(sockets, world.postal, keys["bg.officer"])

    # when
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert (await sync_to_async(client.delete)("/api/v1/auth/token/")).status_code == 204

    # then
    assert [await revoked(s) for s in (room, alerts, dashboard)] == [4403, 4403, 4403]
    await still_posts(other, world.postal, 1)


async def test_signing_out_of_the_page_closes_that_sessions_sockets(world, keys, sockets):
    # given: gr.officer in a browser (room and alerts sockets) and on a token
    browser, cookie = await signed_in_browser(world.gr_officer)
    room = await connect(sockets, f"/ws/rooms/{world.postal.pk}/", [ORIGIN, cookie])
    assert (await room.receive_json_from(timeout=WAIT))["type"] == "presence"
    alerts = await connect(sockets, "/ws/alerts/", [ORIGIN, cookie])
    on_token = await connect(sockets, "/ws/alerts/", auth(keys["gr.officer"]))

    # when
    response = await sync_to_async(browser.post)("/logout/")

    # then
    assert response.status_code == 302
    assert [await revoked(s) for s in (room, alerts)] == [4403, 4403]
    assert await on_token.receive_nothing(timeout=0.3)


async def test_deactivating_an_officer_closes_their_alert_and_dashboard_sockets(
    world, keys, sockets
):
    # given: the AL liaison officer and the coordinator watch the dashboard
    alerts = await connect(sockets, "/ws/alerts/", auth(keys["al.officer"]))
    dashboard = await open_dashboard(sockets, world, auth(keys["al.officer"]))
    other = await open_dashboard(sockets, world, auth(keys["coordinator"]))

    # when
    await sync_to_async(officer_deactivate)(officer=world.al_officer)

    # then
    assert [await revoked(s) for s in (alerts, dashboard)] == [4403, 4403]
    assert await other.receive_nothing(timeout=0.3)


async def test_removing_an_agency_from_the_operation_closes_its_dashboards_and_rooms(
    world, keys, sockets
):
    # given: AL police's liaison watches the dashboard and sits in the Balkan room
    dashboard = await open_dashboard(sockets, world, auth(keys["al.officer"]))
    room = await join_room(sockets, world.balkan, keys["al.officer"])
    alerts = await connect(sockets, "/ws/alerts/", auth(keys["al.officer"]))
    coordinator = await open_dashboard(sockets, world, auth(keys["coordinator"]))

    # when
    await sync_to_async(operation_agency_remove)(
        operation=world.operation, agency=world.al_officer.agency
    )

    # then: the operation's sockets close; the alerts socket is not the operation's
    assert [await revoked(s) for s in (dashboard, room)] == [4403, 4403]
    assert await alerts.receive_nothing(timeout=0.3)
    assert await coordinator.receive_nothing(timeout=0.3)


async def test_an_expired_token_opens_no_socket(world, keys, sockets):
    # given
    await Token.objects.filter(user=world.gr_officer).aupdate(
        created=timezone.now() - timedelta(hours=13)
    )

    # when
    alerts = await connect(sockets, "/ws/alerts/", auth(keys["gr.officer"]))

    # then
    assert (await alerts.receive_json_from(timeout=WAIT))["code"] == "unauthenticated"
    assert await closed_with(alerts) == 4401


async def test_a_socket_closes_at_the_first_recheck_after_its_token_expired(
    world, keys, sockets, settings
):
    # given
    settings.WS_RECHECK_SECONDS = 0.1
    room = await join_room(sockets, world.postal, keys["gr.liaison"])
    dashboard = await open_dashboard(sockets, world, auth(keys["gr.liaison"]))

    # when
    await Token.objects.filter(user=world.gr_liaison).aupdate(
        created=timezone.now() - timedelta(hours=13)
    )

    # then
    assert [await revoked(s) for s in (room, dashboard)] == [4403, 4403]
