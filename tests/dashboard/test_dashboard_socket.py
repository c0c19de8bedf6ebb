"""The dashboard socket (`/ws/operations/{id}/dashboard/`, dashboard/consumers.py)."""

from asgiref.sync import sync_to_async

from tests.sockets import ORIGIN, SOCKET_TESTS, WAIT, auth, closed_with, connect

pytestmark = SOCKET_TESTS


async def test_the_dashboard_sends_a_snapshot_then_a_delta_per_report(world, keys, sockets, post):
    await sync_to_async(post)(world.gr_officer, world.postal, kind="check")
    path = f"/ws/operations/{world.operation.pk}/dashboard/"
    dashboard = await connect(sockets, path, auth(keys["coordinator"]))

    snapshot = await dashboard.receive_json_from(timeout=WAIT)
    assert snapshot["type"] == "stats.snapshot"
    assert snapshot["operation"] == world.operation.pk
    assert snapshot["stats"]["total"]["reports"] == 1

    await sync_to_async(post)(world.bg_officer, world.postal, kind="hit")

    delta = await dashboard.receive_json_from(timeout=WAIT)
    assert delta["type"] == "stats.delta"
    assert delta["operation"] == world.operation.pk
    assert delta["delta"]


async def test_the_dashboard_of_an_operation_one_is_not_in_gets_4404(world, keys, sockets):
    path = f"/ws/operations/{world.operation.pk}/dashboard/"
    dashboard = await connect(sockets, path, auth(keys["fr.officer"]))

    assert (await dashboard.receive_json_from(timeout=WAIT))["code"] == "not_found"
    assert await closed_with(dashboard) == 4404


async def test_the_dashboard_takes_no_client_messages(world, keys, sockets):
    path = f"/ws/operations/{world.operation.pk}/dashboard/"
    dashboard = await connect(sockets, path, auth(keys["coordinator"]))
    await dashboard.receive_json_from(timeout=WAIT)  # snapshot

    await dashboard.send_json_to({"type": "stats.delta", "operation": 1, "delta": {}})

    event = await dashboard.receive_json_from(timeout=WAIT)
    assert (event["type"], event["code"]) == ("error", "unknown_type")


async def test_the_dashboard_without_credentials_gets_4401(world, sockets):
    path = f"/ws/operations/{world.operation.pk}/dashboard/"
    dashboard = await connect(sockets, path, [ORIGIN])

    assert (await dashboard.receive_json_from(timeout=WAIT))["code"] == "unauthenticated"
    assert await closed_with(dashboard) == 4401


# --- alerts ------------------------------------------------------------------
