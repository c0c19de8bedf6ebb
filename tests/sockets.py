"""Helpers for socket tests through the real ASGI application.

A socket test module marks itself with `SOCKET_TESTS`: a transactional database,
the countries, and the embedded default (in-memory channel layer, in-process
presence, eager Celery) whatever the environment says, so it is the same in both
CI passes; the fixtures (`countries`, `embedded_realtime`, `keys`, `sockets`) are
in tests/conftest.py. The Redis pub/sub layer is exercised by real server
processes in tests/integration/.
"""

import asyncio

import pytest
from channels.testing import WebsocketCommunicator

from apps.reports.models import Report
from tests.conftest import SOCKET_WAIT
from tests.factories import report_data

SOCKET_TESTS = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("countries", "embedded_realtime"),
]
ORIGIN = (b"origin", b"http://127.0.0.1")
WAIT = SOCKET_WAIT  # seconds: the longest any single event may take


def auth(key: str) -> list[tuple[bytes, bytes]]:
    return [ORIGIN, (b"authorization", f"Token {key}".encode())]


async def connect(sockets, path: str, headers) -> WebsocketCommunicator:
    communicator = await sockets(path, headers)
    connected, _ = await communicator.connect(timeout=WAIT)
    assert connected
    return communicator


async def join_room(sockets, room, key: str) -> WebsocketCommunicator:
    """A room socket, past its own presence announcement."""
    communicator = await connect(sockets, f"/ws/rooms/{room.pk}/", auth(key))
    event = await communicator.receive_json_from(timeout=WAIT)
    assert event["type"] == "presence", event
    return communicator


async def next_event(communicator, skip=("presence",)) -> dict:
    while True:
        event = await communicator.receive_json_from(timeout=WAIT)
        if event["type"] not in skip:
            return event


async def events_of(communicator, count: int, types: set[str]) -> list[dict]:
    """The next `count` events whose type is in `types`, in order; others are dropped."""
    found = []
    while len(found) < count:
        event = await communicator.receive_json_from(timeout=WAIT)
        if event["type"] in types:
            found.append(event)
    return found


async def closed_with(communicator) -> int:
    message = await communicator.receive_output(timeout=WAIT)
    assert message["type"] == "websocket.close"
    return message["code"]


async def create(communicator, **report) -> dict:
    data = report_data(**report)
    await communicator.send_json_to({"type": "report.create", "report": data})
    return data


async def acked(communicator, data: dict) -> dict:
    """Wait for the ack of `data`; the socket's own report.created may come first."""
    while True:
        event = await next_event(communicator)
        if event["type"] == "report.ack":
            assert event["client_id"] == data["client_id"]
            return event
        assert event["type"] == "report.created", event


async def reports_in(room) -> int:
    return await Report.objects.filter(room=room).acount()


async def still_posts(communicator, room, expected_count: int) -> None:
    """The socket goes on working: a valid report is acked and saved."""
    data = await create(communicator)
    ack = await acked(communicator, data)
    assert ack["created"] is True
    assert await reports_in(room) == expected_count


async def until_true(condition, timeout: float = WAIT) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)
