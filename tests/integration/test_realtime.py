"""Room sockets against real uvicorn processes on PostgreSQL and Redis.

What only real processes show: delivery between server processes through
the Redis pub/sub layer, what the server does with frames its own limits
or uvicorn's refuse, and what happens to posting and live delivery while
Redis restarts.
"""

import asyncio
import json
import time
import uuid
from collections.abc import Callable

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from .conftest import (
    UVICORN_WS_MAX_SIZE,
    WS_MAX_FRAME_BYTES,
    Server,
    Stack,
    claim_redis_db,
    http_json,
    redis_start,
    redis_stop,
    redis_up,
)

pytestmark = pytest.mark.services

ORIGIN = "http://127.0.0.1"
WAIT = 5.0  # seconds: the longest one event may take
RECONNECT_WITHIN = 20.0  # seconds a client keeps trying to get back in


async def until(condition: Callable[[], bool], timeout: float = WAIT, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or condition}")
        await asyncio.sleep(0.02)


def report(**fields) -> dict:
    return {"client_id": str(uuid.uuid4()), "kind": "update", "body": "Hub staffed.", **fields}


class RoomClient:
    """A room socket that records what it receives and gets back in when dropped.

    Like a real client it keeps the seqs it has seen (duplicates dropped),
    and after a reconnect asks for what it missed with `resume`.
    """

    def __init__(self, server: Server, room_id: int, token: str, name: str) -> None:
        self.server, self.room_id, self.token, self.name = server, room_id, token, name
        self.ws: ClientConnection | None = None
        self.reader: asyncio.Task | None = None
        self.seqs: set[int] = set()
        self.live: list[int] = []  # seqs as they arrived live, not by resume
        self.replayed: list[int] = []  # seqs as resume replayed them
        self.acks: dict[str, dict] = {}
        self.errors: list[dict] = []
        self.resumes: list[dict] = []
        self.presence: list[dict] = []
        self.closes: list[int | None] = []
        self.reconnects = 0
        self._resuming = False

    @property
    def uri(self) -> str:
        return f"{self.server.ws}/ws/rooms/{self.room_id}/"

    @property
    def contiguous(self) -> int:
        """The highest seq up to which nothing is missing."""
        seq = 0
        while seq + 1 in self.seqs:
            seq += 1
        return seq

    @property
    def open(self) -> bool:
        return self.reader is not None and not self.reader.done()

    async def connect(self) -> None:
        self.ws = await connect(
            self.uri,
            origin=ORIGIN,
            additional_headers={"Authorization": f"Token {self.token}"},
            open_timeout=WAIT,
            close_timeout=1,
            max_size=8 * 1024 * 1024,
        )
        self.reader = asyncio.create_task(self._read(self.ws))

    async def _read(self, ws: ClientConnection) -> None:
        try:
            async for raw in ws:
                event = json.loads(raw)
                kind = event["type"]
                if kind == "report.created":
                    seq = event["report"]["seq"]
                    (self.replayed if self._resuming else self.live).append(seq)
                    self.seqs.add(seq)
                elif kind == "report.ack":
                    self.acks[event["client_id"]] = event
                elif kind == "resume.done":
                    self._resuming = False
                    self.resumes.append(event)
                elif kind == "presence":
                    self.presence.append(event)
                elif kind == "error":
                    self.errors.append(event)
        except ConnectionClosed:
            pass
        finally:
            self.closes.append(ws.close_code)

    async def reconnect(self) -> None:
        """Back in within RECONNECT_WITHIN seconds, then resume from what is missing."""
        deadline = time.monotonic() + RECONNECT_WITHIN
        while True:
            try:
                announced = len(self.presence)
                await self.connect()
                # the server may accept and then refuse (4429, or an error in connect):
                # the socket is in once the room announces it, out once it is closed
                try:
                    await until(
                        lambda announced=announced: len(self.presence) > announced or not self.open
                    )
                except AssertionError:
                    pass  # an announcement lost while Redis restarts: open is in
                if self.open:
                    break
            except (OSError, InvalidStatus, ConnectionClosed, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name} could not reconnect: closes {self.closes}")
            await asyncio.sleep(0.2)
        self.reconnects += 1
        await self.resume()

    async def resume(self) -> dict:
        done = len(self.resumes)
        self._resuming = True
        await self.ws.send(json.dumps({"type": "resume", "after_seq": self.contiguous}))
        await until(lambda: len(self.resumes) > done or not self.open, what=f"{self.name} resume")
        if not self.open:
            raise ConnectionError(f"{self.name} closed while resuming")
        return self.resumes[-1]

    async def post(self, data: dict, timeout: float = WAIT) -> dict:
        """Send report.create and wait for its ack (or an error about it)."""
        errors = len(self.errors)
        await self.ws.send(json.dumps({"type": "report.create", "report": data}))
        client_id = data["client_id"]

        def answered() -> bool:
            return (
                client_id in self.acks
                or any(e.get("client_id") == client_id for e in self.errors[errors:])
                or not self.open
            )

        await until(answered, timeout, what=f"ack of {client_id}")
        if client_id in self.acks:
            return self.acks[client_id]
        for error in self.errors[errors:]:
            if error.get("client_id") == client_id:
                return error
        raise ConnectionError(f"{self.name} closed before the ack")

    async def post_until_acked(self, data: dict) -> tuple[dict, int]:
        """Post, and on a lost ack reconnect and post the SAME client_id again."""
        tries = 0
        deadline = time.monotonic() + RECONNECT_WITHIN
        while True:
            tries += 1
            try:
                if not self.open:
                    await self.reconnect()
                answer = await self.post(data, timeout=3)
                if answer["type"] == "report.ack":
                    return answer, tries
                assert answer["code"] == "rate_limited", answer
                await asyncio.sleep(0.5)
            except (ConnectionClosed, ConnectionError, AssertionError) as exc:
                if isinstance(exc, AssertionError) and "timed out" not in str(exc):
                    raise
                if self.open:
                    await self.ws.close()
                    await self.reader
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: no ack for {data['client_id']} after {tries}")

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await asyncio.wait_for(self.reader, WAIT)


@pytest.fixture
async def clients(servers, stack):
    """client(server_index, room, username) -> an open RoomClient; all closed afterwards."""
    made: list[RoomClient] = []

    async def _client(index: int, room: str, username: str) -> RoomClient:
        client = RoomClient(servers[index], stack.rooms[room], stack.tokens[username], username)
        await client.connect()
        made.append(client)
        return client

    yield _client
    await asyncio.gather(*(c.close() for c in made), return_exceptions=True)


def room_reports(stack: Stack, server: Server, room: str, username: str = "it.nl") -> list[dict]:
    """Every report of the room through REST, oldest first, following the pages."""
    reports, url = [], f"{server.http}/api/v1/rooms/{stack.rooms[room]}/reports/?page_size=1000"
    while url:
        status, body = http_json(url, token=stack.tokens[username])
        assert status == 200, body
        reports.extend(body["results"])
        url = body["next"]
    return reports


# --- delivery -------------------------------------------------------------------


async def test_a_report_reaches_every_socket_of_the_room_with_its_seq(clients, alive_after):
    poster = await clients(0, "live", "it.gr")
    same_process = await clients(0, "live", "it.bg")
    other_process = await clients(1, "live", "it.de")
    coordinator = await clients(1, "live", "it.nl")

    hit = report(kind="hit", seizures=[{"category": "ammunition", "quantity": 50}])
    ack = await poster.post(hit)

    assert ack["type"] == "report.ack" and ack["created"] is True
    for client in (poster, same_process, other_process, coordinator):
        await until(lambda c=client: ack["seq"] in c.seqs, what=f"{client.name} report.created")
        assert client.live[-1] == ack["seq"]


async def test_two_server_processes_see_each_others_reports(clients, alive_after):
    on_a = await clients(0, "live", "it.gr")
    on_b = await clients(1, "live", "it.bg")

    from_a = await on_a.post(report())
    from_b = await on_b.post(report())

    await until(lambda: from_a["seq"] in on_b.seqs, what="A's report on B")
    await until(lambda: from_b["seq"] in on_a.seqs, what="B's report on A")
    assert from_b["seq"] == from_a["seq"] + 1


async def test_presence_spans_server_processes(clients, alive_after):
    on_a = await clients(0, "bad input", "it.de")
    await clients(1, "bad input", "it.bg")

    def both_online() -> bool:
        return any({g["country"] for g in p["online"]} >= {"DE", "BG"} for p in on_a.presence)

    await until(both_online, what="BG (on B) in A's presence")


async def test_a_report_posted_over_rest_reaches_sockets_on_both_processes(
    clients, servers, stack, alive_after
):
    on_a = await clients(0, "live", "it.gr")
    on_b = await clients(1, "live", "it.bg")

    status, body = await asyncio.to_thread(
        http_json,
        f"{servers[1].http}/api/v1/rooms/{stack.rooms['live']}/reports/",
        method="POST",
        body=report(kind="check", outcome="suspicious", checks_count=12),
        token=stack.tokens["it.de"],
    )

    assert status == 201, body
    for client in (on_a, on_b):
        await until(lambda c=client: body["seq"] in c.seqs, what=f"{client.name} REST report")


# --- bad input against the real server ---------------------------------------------


@pytest.fixture
async def keeps_serving(clients):
    """A listener in the live room while a poster posts every 50 ms.

    After the test the listener must have every report the poster posted:
    the server went on serving others whatever the test threw at it.
    """
    listener = await clients(1, "live", "it.nl")
    poster = await clients(0, "live", "it.de")
    acked: list[int] = []
    stop = asyncio.Event()

    async def post_steadily() -> None:
        while not stop.is_set():
            answer = await poster.post(report())
            assert answer["type"] == "report.ack", answer
            acked.append(answer["seq"])
            await asyncio.sleep(0.05)

    task = asyncio.create_task(post_steadily())
    await until(lambda: len(acked) >= 2, what="the steady poster")
    yield
    after = len(acked)
    await until(lambda: len(acked) >= after + 2, what="steady posts after the test")
    stop.set()
    await asyncio.wait_for(task, WAIT)
    await until(lambda: set(acked) <= listener.seqs, what="every steady report at the listener")
    assert listener.errors == [] and listener.open


async def raw_socket(server: Server, stack: Stack, username: str | None, origin: str = ORIGIN):
    headers = {"Authorization": f"Token {stack.tokens[username]}"} if username else {}
    return await connect(
        f"{server.ws}/ws/rooms/{stack.rooms['bad input']}/",
        origin=origin,
        additional_headers=headers,
        open_timeout=WAIT,
        close_timeout=1,
    )


async def next_event(ws: ClientConnection, skip=("presence",)) -> dict:
    while True:
        event = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
        if event["type"] not in skip:
            return event


async def assert_still_posts(ws: ClientConnection) -> None:
    data = report()
    await ws.send(json.dumps({"type": "report.create", "report": data}))
    while True:
        event = await next_event(ws, skip=("presence", "report.created"))
        assert event["type"] == "report.ack", event
        if event["client_id"] == data["client_id"]:
            return


async def test_malformed_json_and_unknown_types_get_errors(servers, stack, keeps_serving):
    ws = await raw_socket(servers[0], stack, "it.gr")
    try:
        await ws.send('{"type": "report.create", "report": ')
        assert (await next_event(ws))["code"] == "bad_json"
        await ws.send(json.dumps({"type": "report.created", "report": {"seq": 1}}))
        assert (await next_event(ws))["code"] == "unknown_type"
        await ws.send(json.dumps({"type": "access.changed"}))
        assert (await next_event(ws))["code"] == "unknown_type"
        await ws.send(json.dumps({"type": "report.create", "report": {"kind": "hit"}}))
        invalid = await next_event(ws)
        assert (invalid["code"], sorted(invalid["errors"])) == ("invalid", ["client_id"])
        await assert_still_posts(ws)
    finally:
        await ws.close()


async def test_a_frame_over_the_app_limit_gets_an_error_and_the_socket_goes_on(
    servers, stack, keeps_serving
):
    ws = await raw_socket(servers[0], stack, "it.gr")
    try:
        big = report(body="x" * (WS_MAX_FRAME_BYTES + 1000))
        await ws.send(json.dumps({"type": "report.create", "report": big}))

        assert (await next_event(ws))["code"] == "frame_too_large"
        await assert_still_posts(ws)
    finally:
        await ws.close()
    saved = await asyncio.to_thread(room_reports, stack, servers[0], "bad input")
    assert big["client_id"] not in {r["client_id"] for r in saved}


async def test_a_frame_over_the_server_limit_closes_with_1009(servers, stack, keeps_serving):
    ws = await raw_socket(servers[0], stack, "it.gr")

    await ws.send("x" * (UVICORN_WS_MAX_SIZE + 1024))

    with pytest.raises(ConnectionClosed):
        while True:
            await asyncio.wait_for(ws.recv(), WAIT)
    assert ws.close_code == 1009


async def test_a_foreign_origin_gets_http_403(servers, stack, keeps_serving):
    with pytest.raises(InvalidStatus) as refused:
        await raw_socket(servers[0], stack, "it.gr", origin="https://evil.example")

    assert refused.value.response.status_code == 403


async def test_no_credentials_get_an_error_then_4401(servers, stack, keeps_serving):
    ws = await raw_socket(servers[1], stack, None)

    assert (await next_event(ws))["code"] == "unauthenticated"
    with pytest.raises(ConnectionClosed):
        await asyncio.wait_for(ws.recv(), WAIT)
    assert ws.close_code == 4401


# --- Redis restarts while officers post ---------------------------------------------

POSTERS = 3
REPORTS_EACH = 60
POSTS_PER_SECOND = 20  # all posters together
REDIS_DOWN_SECONDS = 2.0  # longer than the servers' WS_RECHECK_SECONDS


async def test_posting_through_a_redis_restart_loses_and_duplicates_nothing(
    servers, stack, clients, alive_after
):
    # given posters and listeners on both processes in a room of their own
    posters = [
        await clients(0, "fault", "it.gr"),
        await clients(1, "fault", "it.bg"),
        await clients(0, "fault", "it.de"),
    ]
    listeners = [await clients(1, "fault", "it.nl"), await clients(0, "fault", "it.nl")]
    everyone = posters + listeners
    # other tests may have posted here: count from the room's last seq
    base = len(await asyncio.to_thread(room_reports, stack, servers[0], "fault"))
    for client in everyone:
        client.seqs.update(range(1, base + 1))
    sent: list[dict] = []
    answers: list[tuple[dict, int]] = []
    posting: list[asyncio.Task] = []

    async def post_all(poster: RoomClient) -> None:
        for number in range(REPORTS_EACH):
            data = report(body=f"{poster.name} check-in {number}")
            sent.append(data)
            answers.append(await poster.post_until_acked(data))
            await asyncio.sleep(POSTERS / POSTS_PER_SECOND)

    async def restart_redis() -> None:
        await asyncio.sleep(2.0)  # about a third of the way through
        try:
            await asyncio.to_thread(redis_stop)
            await asyncio.sleep(REDIS_DOWN_SECONDS)
        finally:
            await asyncio.to_thread(redis_start)
            claim_redis_db(stack)  # the restart emptied it

    async def keep_in(clients: list[RoomClient]) -> None:
        # what a real client does: when dropped, get back in and resume
        while not all(task.done() for task in posting):
            for client in clients:
                if not client.open:
                    await client.reconnect()
            await asyncio.sleep(0.05)

    # when they post continuously while Redis restarts
    try:
        posting.extend(asyncio.create_task(post_all(p)) for p in posters)
        await asyncio.wait_for(asyncio.gather(*posting, restart_redis(), keep_in(listeners)), 60)
    finally:
        if not redis_up():
            await asyncio.to_thread(redis_start)
    total = base + POSTERS * REPORTS_EACH
    expected = set(range(1, total + 1))

    # then every report is in the database exactly once, with the next seqs, no gap
    saved = (await asyncio.to_thread(room_reports, stack, servers[0], "fault"))[base:]
    assert sorted(r["client_id"] for r in saved) == sorted(d["client_id"] for d in sent)
    assert [r["seq"] for r in saved] == list(range(base + 1, total + 1))
    assert sorted(ack["seq"] for ack, _ in answers) == list(range(base + 1, total + 1))

    # and every client, only by reconnecting and resuming when told, has 1..N
    async def complete(client: RoomClient) -> None:
        deadline = time.monotonic() + 10
        while client.seqs != expected:
            if not client.open:
                await client.reconnect()
            missing = sorted(expected - client.seqs)
            assert time.monotonic() < deadline, f"{client.name} never got seqs {missing}"
            await asyncio.sleep(0.05)

    await asyncio.gather(*(complete(c) for c in everyone))

    # and the sockets that were open through the restart were told to reconnect
    # (what was published while Redis was down never reached them live)
    for listener in listeners:
        assert 1012 in listener.closes, (listener.name, listener.closes)

    # and live delivery works on every socket again
    probe, _ = await posters[0].post_until_acked(report(body="after the restart"))
    for client in everyone:
        await until(lambda c=client: probe["seq"] in c.seqs, what=f"{client.name} live probe")
        assert client.live[-1] == probe["seq"]

    # and a resume from before the restart replays all since, in order, without a gap
    late = RoomClient(servers[1], stack.rooms["fault"], stack.tokens["it.nl"], "late")
    await late.connect()
    late.seqs.update(range(1, base + 1))
    try:
        done = await late.resume()
        assert late.replayed == list(range(base + 1, total + 2))
        assert done == {
            "type": "resume.done",
            "after_seq": base,
            "last_seq": total + 1,
            "more": False,
        }
    finally:
        await late.close()

    # and the same officer posting a report again, on the other process, is a no-op
    first = next(d for d in sent if d["body"].startswith("it.gr "))
    acked_first = next(a for a, _ in answers if a["client_id"] == first["client_id"])
    same_officer = await clients(1, "fault", "it.gr")
    again = await same_officer.post(first)
    assert (again["created"], again["id"], again["seq"]) == (
        False,
        acked_first["id"],
        acked_first["seq"],
    )

    retried = sum(1 for _, tries in answers if tries > 1)
    print(
        f"\nRedis restart: {retried} posts retried with their client_id, "
        f"{sum(1 for a, _ in answers if not a['created'])} acks of a repeat; "
        f"closes seen {[c.closes for c in everyone]}"
    )
