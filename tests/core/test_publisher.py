"""Publishing from plain sync code (a worker, a command) through the process's publishing
thread, on the real Redis channel layer: every event arrives, each group's in the order it was published, and a Redis that is down costs the
writer nothing but a logged warning."""

from __future__ import annotations

import asyncio
import os

import pytest
from asgiref.sync import async_to_sync
from channels.layers import channel_layers, get_channel_layer

from apps.core import events

pytestmark = pytest.mark.services


@pytest.fixture
def redis_layer(settings, monkeypatch):
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs REDIS_URL (the second pass of make test)")

    def use(hosts: list[str]):
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": hosts, "prefix": f"test-publisher-{os.getpid()}"},
            }
        }
        monkeypatch.setattr(channel_layers, "backends", {})
        monkeypatch.setattr(events, "_publisher", None)  # a publisher for this layer
        return get_channel_layer()

    yield use
    events.flush_published()


def _received(layer, channel: str, count: int) -> list[dict]:
    async def receive_all():
        return [await asyncio.wait_for(layer.receive(channel), timeout=5) for _ in range(count)]

    return async_to_sync(receive_all)()


def test_events_arrive_in_order_per_group_without_the_writer_waiting(redis_layer):
    layer = redis_layer([os.environ["REDIS_URL"]])
    officer = async_to_sync(layer.new_channel)()
    room = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)("officer.1", officer)
    async_to_sync(layer.group_add)("room.1", room)

    for n in range(40):
        assert events.publish("officer.1", {"type": "alert.created", "n": n})
        assert events.publish("room.1", {"type": "report.created", "n": n})
    assert events.flush_published(10)

    assert [e["n"] for e in _received(layer, officer, 40)] == list(range(40))
    assert [e["n"] for e in _received(layer, room, 40)] == list(range(40))


def test_a_redis_that_is_down_costs_the_writer_a_warning_not_an_error(redis_layer, caplog):
    redis_layer(["redis://127.0.0.1:1/0"])  # nothing listens there

    events.publish("officer.1", {"type": "alert.created"})

    assert events.flush_published(30)
    assert "could not publish alert.created to officer.1" in caplog.text
