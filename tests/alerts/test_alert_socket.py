"""The alert socket (`/ws/alerts/`, alerts/consumers.py)."""

import pytest
from channels.layers import get_channel_layer

from apps.alerts.models import Alert, AlertState
from apps.crossmatch.models import Match, MatchLink
from tests.sockets import ORIGIN, SOCKET_TESTS, WAIT, auth, closed_with, connect

pytestmark = SOCKET_TESTS


@pytest.fixture
def alerts(world, post):
    """One match between a GR and a BG report, and an alert about it for each author."""
    first = post(world.gr_officer, world.postal)
    second = post(world.bg_officer, world.postal)
    match = Match.objects.create(report_a=first, report_b=second, kind="exact")
    MatchLink.objects.create(match=match, kind="exact", selector_type="phone", value="+3069000000")
    return {
        "gr": Alert.objects.create(officer=world.gr_officer, match=match),
        "bg": Alert.objects.create(officer=world.bg_officer, match=match),
    }


async def test_an_officer_acknowledges_their_own_alert_on_the_socket(world, keys, sockets, alerts):
    socket = await connect(sockets, "/ws/alerts/", auth(keys["gr.officer"]))

    await socket.send_json_to({"type": "alert.ack", "id": alerts["gr"].pk})

    event = await socket.receive_json_from(timeout=WAIT)
    assert event == {
        "type": "alert.updated",
        "alert": {"id": alerts["gr"].pk, "state": "acknowledged"},
    }
    assert (await Alert.objects.aget(pk=alerts["gr"].pk)).state == AlertState.ACKNOWLEDGED


async def test_an_officer_cannot_acknowledge_someone_elses_alert(world, keys, sockets, alerts):
    socket = await connect(sockets, "/ws/alerts/", auth(keys["gr.officer"]))

    await socket.send_json_to({"type": "alert.ack", "id": alerts["bg"].pk})

    event = await socket.receive_json_from(timeout=WAIT)
    assert (event["type"], event["code"], event["id"]) == ("error", "not_found", alerts["bg"].pk)
    assert (await Alert.objects.aget(pk=alerts["bg"].pk)).state == AlertState.NEW


async def test_an_alert_ack_without_an_integer_id_is_invalid(world, keys, sockets, alerts):
    socket = await connect(sockets, "/ws/alerts/", auth(keys["gr.officer"]))

    for alert_id in (str(alerts["gr"].pk), None, True, float(alerts["gr"].pk)):
        await socket.send_json_to({"type": "alert.ack", "id": alert_id})

        event = await socket.receive_json_from(timeout=WAIT)
        assert (event["type"], event["code"]) == ("error", "invalid"), alert_id
    assert (await Alert.objects.aget(pk=alerts["gr"].pk)).state == AlertState.NEW


async def test_alerts_reach_only_their_officers_socket(world, keys, sockets):
    gr = await connect(sockets, "/ws/alerts/", auth(keys["gr.officer"]))
    bg = await connect(sockets, "/ws/alerts/", auth(keys["bg.officer"]))

    await get_channel_layer().group_send(
        f"alerts.{world.gr_officer.pk}", {"type": "alert.created", "alert": {"id": 7}}
    )

    assert await gr.receive_json_from(timeout=WAIT) == {"type": "alert.created", "alert": {"id": 7}}
    assert await bg.receive_nothing(timeout=0.2)


async def test_the_alert_socket_without_credentials_gets_4401(world, sockets):
    socket = await connect(sockets, "/ws/alerts/", [ORIGIN])

    assert (await socket.receive_json_from(timeout=WAIT))["code"] == "unauthenticated"
    assert await closed_with(socket) == 4401


# --- when Redis (presence, the channel layer) fails under a socket ----------------
