"""Fan-out benchmark: N listeners in one room, P posters at fixed rates, latency per delivery.

    python -m bench.fanout --url ws://127.0.0.1:8000 --room 1 --clients 1000 \
        --tokens-file bench-tokens.json --steps 10,20,50,100 --step-seconds 10 --posters 2 \
        --server-pid $(pgrep -o -f 'uvicorn commandcentre') --json out.json

How it measures (see bench/README.md for what each figure means):

- Receivers live in `--procs` worker processes (spawned; they die with this process);
  posters live in this process, which also schedules the posts by absolute time:
  post k of a step is due at t0 + k/rate and is sent late rather than skipped when the
  loop falls behind (the largest lateness is reported as `lag`).
- Every post carries a client_id that is a valid UUID4 whose first 24 characters are a
  per-run prefix and whose last 12 hex digits are the post's index. Before sending, the
  poster writes time.perf_counter() at that index of a shared-memory array. A receiver
  finds the prefix in the frame with bytes.find (no JSON parsing), reads the index and
  records now - send_time. perf_counter is CLOCK_MONOTONIC, the same clock in every
  process of the machine.
- The default client (`--client raw`) is a minimal WebSocket client on asyncio
  protocols: handshake, unmasked server frames, pong, close; it offers no
  permessage-deflate, so the server sends uncompressed frames. `--client websockets`
  uses the websockets library instead (optionally with `--deflate`, as browsers do).
- Server CPU: utime+stime from /proc of `--server-pid` (and its live descendants, e.g.
  uvicorn workers) before and after each step; `--redis-pid` is reported separately.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import math
import multiprocessing
import os
import sys
import threading
import time
import uuid
from array import array
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any
from urllib.parse import urlsplit

from bench._common import (
    die_with_parent,
    machine_busy_seconds,
    new_event_loop,
    raise_nofile_limit,
    tree_cpu_seconds,
)

WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
REPORT_CREATED = b"report.created"
INDEX_DIGITS = 12


# --------------------------------------------------------------------------- frames


def client_frame(opcode: int, payload: bytes) -> bytes:
    """A masked client frame (RFC 6455 5.3: every client-to-server frame is masked)."""
    n = len(payload)
    if n < 126:
        header = bytes((0x80 | opcode, 0x80 | n))
    elif n < 1 << 16:
        header = bytes((0x80 | opcode, 0x80 | 126)) + n.to_bytes(2, "big")
    else:
        header = bytes((0x80 | opcode, 0x80 | 127)) + n.to_bytes(8, "big")
    mask = os.urandom(4)
    key = (mask * (n // 4 + 1))[:n]
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(n, "big")
    return header + mask + masked


def run_prefix() -> str:
    """24 characters of a UUID4 (version and variant digits set), shared by the whole run."""
    h = uuid.uuid4().hex
    return f"{h[0:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-"


@dataclass
class Sink:
    """Where one process's receivers put what they see.

    `send_times` is None for posters' own sockets: they only count frames.
    """

    prefix: bytes
    send_times: Any  # memoryview of doubles (shared memory) or None
    idx: array = field(default_factory=lambda: array("I"))
    lat: array = field(default_factory=lambda: array("d"))
    other: int = 0
    frames: int = 0

    def reset(self) -> tuple[bytes, bytes, int]:
        out = (self.idx.tobytes(), self.lat.tobytes(), self.other)
        self.idx = array("I")
        self.lat = array("d")
        self.other = 0
        return out


class RawClient(asyncio.Protocol):
    """A lean WebSocket client: the handshake, then server frames parsed in place."""

    def __init__(self, host: str, path: str, headers: list[tuple[str, str]], sink: Sink):
        self.sink = sink
        self.key = base64.b64encode(os.urandom(16))
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: {host}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {self.key.decode()}",
            "Sec-WebSocket-Version: 13",
            *(f"{k}: {v}" for k, v in headers),
        ]
        self.request = ("\r\n".join(lines) + "\r\n\r\n").encode()
        self.transport: asyncio.Transport | None = None
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.closed = False
        self.handshaking = True
        self.buf = b""
        self.fragments: list[bytes] | None = None

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        transport.write(self.request)  # type: ignore[attr-defined]

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.opened.done():
            self.opened.set_exception(exc or ConnectionError("closed during handshake"))

    def data_received(self, data: bytes) -> None:
        now = time.perf_counter()
        buf = self.buf + data if self.buf else data
        if self.handshaking:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                self.buf = buf
                return
            if not self._check_handshake(buf[:end]):
                return
            buf = buf[end + 4 :]
        self.buf = self._frames(buf, now)

    def _check_handshake(self, head: bytes) -> bool:
        status, *header_lines = head.split(b"\r\n")
        accept = base64.b64encode(hashlib.sha1(self.key + WS_GUID).digest())
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        if status.split(b" ")[1:2] != [b"101"] or headers.get(b"sec-websocket-accept") != accept:
            self.opened.set_exception(ConnectionError(status.decode(errors="replace")))
            self.transport.close()  # type: ignore[union-attr]
            return False
        self.handshaking = False
        self.opened.set_result(None)
        return True

    def _frames(self, buf: bytes, now: float) -> bytes:
        # The hot path: many frames per read when the server bursts. No slicing of payloads.
        sink = self.sink
        prefix = sink.prefix
        times = sink.send_times
        n = len(buf)
        pos = 0
        while n - pos >= 2:
            b0 = buf[pos]
            length = buf[pos + 1] & 0x7F
            start = pos + 2
            if length == 126:
                if n - pos < 4:
                    break
                length = int.from_bytes(buf[pos + 2 : pos + 4], "big")
                start = pos + 4
            elif length == 127:
                if n - pos < 10:
                    break
                length = int.from_bytes(buf[pos + 2 : pos + 10], "big")
                start = pos + 10
            end = start + length
            if end > n:
                break
            opcode = b0 & 0x0F
            if not b0 & 0x80 or opcode == 0:  # fragmented message: rare, reassemble
                self.fragments = (self.fragments or []) + [buf[start:end]]
                if b0 & 0x80:
                    whole = b"".join(self.fragments)
                    self.fragments = None
                    self._message(whole, 0, len(whole), now)
            elif opcode == 1 or opcode == 2:
                sink.frames += 1
                if times is None:
                    pass
                else:
                    i = buf.find(prefix, start, end)
                    if i >= 0 and buf.find(REPORT_CREATED, start, end) >= 0:
                        i += len(prefix)
                        k = int(buf[i : i + INDEX_DIGITS], 16)
                        sink.idx.append(k)
                        sink.lat.append(now - times[k])
                    else:
                        sink.other += 1
            elif opcode == 9:  # ping -> pong with the same payload
                self.transport.write(client_frame(0xA, buf[start:end]))  # type: ignore[union-attr]
            elif opcode == 8:  # close -> echo the code, then drop the connection
                self.transport.write(client_frame(0x8, buf[start : start + 2]))  # type: ignore[union-attr]
                self.transport.close()  # type: ignore[union-attr]
                self.closed = True
            pos = end
        return buf[pos:] if pos < n else b""

    def _message(self, buf: bytes, start: int, end: int, now: float) -> None:
        self.sink.frames += 1
        if self.sink.send_times is None:
            return
        i = buf.find(self.sink.prefix, start, end)
        if i >= 0 and buf.find(REPORT_CREATED, start, end) >= 0:
            i += len(self.sink.prefix)
            k = int(buf[i : i + INDEX_DIGITS], 16)
            self.sink.idx.append(k)
            self.sink.lat.append(now - self.sink.send_times[k])
        else:
            self.sink.other += 1

    # client side
    def send_text(self, payload: bytes) -> None:
        self.transport.write(client_frame(0x1, payload))  # type: ignore[union-attr]

    def close(self) -> None:
        if self.transport is not None and not self.closed:
            self.transport.write(client_frame(0x8, (1000).to_bytes(2, "big")))
            self.transport.close()
        self.closed = True


async def open_raw(
    host: str, port: int, path: str, headers: list[tuple[str, str]], sink: Sink, timeout: float
) -> RawClient:
    loop = asyncio.get_running_loop()
    proto = RawClient(f"{host}:{port}", path, headers, sink)

    async def _open() -> None:
        await loop.create_connection(lambda: proto, host, port)
        await proto.opened

    try:
        await asyncio.wait_for(_open(), timeout)
    except BaseException:
        if proto.transport is not None:
            proto.transport.abort()
        raise
    return proto


def websockets_closed() -> type[Exception]:
    from websockets.exceptions import ConnectionClosed

    return ConnectionClosed


class LibClient:
    """The same receiver on the websockets library (for comparison, and for --deflate)."""

    def __init__(self, ws: Any, sink: Sink):
        self.ws = ws
        self.sink = sink
        self.closed = False
        self.task = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        sink = self.sink
        prefix = sink.prefix.decode()
        plen = len(prefix)
        try:
            async for message in self.ws:
                now = time.perf_counter()
                sink.frames += 1
                if isinstance(message, bytes):
                    message = message.decode()
                i = message.find(prefix)
                if i >= 0 and "report.created" in message:
                    k = int(message[i + plen : i + plen + INDEX_DIGITS], 16)
                    sink.idx.append(k)
                    sink.lat.append(now - sink.send_times[k])
                else:
                    sink.other += 1
        except (websockets_closed(), OSError):
            pass  # the connection ended: `closed` tells the parent
        finally:
            self.closed = True

    def close(self) -> None:
        self.task.cancel()
        if self.ws.transport is not None:
            self.ws.transport.abort()
        self.closed = True


async def open_lib(
    url: str, headers: list[tuple[str, str]], sink: Sink, timeout: float, deflate: bool
) -> LibClient:
    from websockets.asyncio.client import connect

    origin = next((v for k, v in headers if k == "Origin"), None)
    extra = [(k, v) for k, v in headers if k != "Origin"]
    ws = await connect(
        url,
        origin=origin,  # type: ignore[arg-type]
        additional_headers=extra,
        compression="deflate" if deflate else None,
        open_timeout=timeout,
        ping_interval=None,
        max_queue=None,
    )
    return LibClient(ws, sink)


# --------------------------------------------------------------------------- workers


@dataclass
class Target:
    host: str
    port: int
    path: str
    origin: str
    tokens: list[str]

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}{self.path}"

    def headers(self, n: int) -> list[tuple[str, str]]:
        headers = [("Origin", self.origin)]
        if self.tokens:
            headers.append(("Authorization", f"Token {self.tokens[n % len(self.tokens)]}"))
        return headers


async def connect_many(
    target: Target,
    numbers: list[int],
    sink: Sink,
    batch: int,
    timeout: float,
    client: str,
    deflate: bool,
) -> tuple[list[Any], dict[str, int]]:
    """Open one connection per number, `batch` at a time; return them and error counts."""
    opened: list[Any] = []
    errors: dict[str, int] = {}

    async def one(n: int) -> None:
        try:
            if client == "raw":
                conn = await open_raw(
                    target.host, target.port, target.path, target.headers(n), sink, timeout
                )
            else:
                conn = await open_lib(target.url, target.headers(n), sink, timeout, deflate)
            opened.append(conn)
        except Exception as exc:  # noqa: BLE001 - counted and reported, never fatal
            key = f"{type(exc).__name__}: {exc}"[:120]
            errors[key] = errors.get(key, 0) + 1

    for i in range(0, len(numbers), batch):
        await asyncio.gather(*(one(n) for n in numbers[i : i + batch]))
    return opened, errors


def pipe_reader(conn: Connection, queue: asyncio.Queue[Any], on_eof: Any) -> None:
    """Feed every message of `conn` into `queue` from a daemon thread.

    A thread, not loop.add_reader: uvloop makes the descriptor non-blocking, and a
    multi-megabyte Connection.recv() then fails half-way with EAGAIN.
    """
    loop = asyncio.get_running_loop()

    def pump() -> None:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                message = on_eof
            try:
                loop.call_soon_threadsafe(queue.put_nowait, message)
            except RuntimeError:  # the loop is closed: we are shutting down
                return
            if message is on_eof:
                return

    threading.Thread(target=pump, daemon=True).start()


def worker_main(conn: Connection, cfg: dict[str, Any], send_times_raw: Any) -> None:
    """A receiver process: connect its share, then answer the parent's commands."""
    die_with_parent()
    raise_nofile_limit()
    loop = new_event_loop(cfg["loop"])
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(_worker(conn, cfg, send_times_raw))
    except (EOFError, KeyboardInterrupt):
        pass
    finally:
        loop.close()


async def _worker(conn: Connection, cfg: dict[str, Any], send_times_raw: Any) -> None:
    times = memoryview(send_times_raw).cast("B").cast("d")
    sink = Sink(cfg["prefix"].encode(), times)
    target = Target(**cfg["target"])
    commands: asyncio.Queue[Any] = asyncio.Queue()
    pipe_reader(conn, commands, on_eof=("close", None))
    clients: list[Any] = []
    while True:
        command, arg = await commands.get()
        if command == "connect":
            clients, errors = await connect_many(
                target,
                arg,
                sink,
                cfg["connect_batch"],
                cfg["connect_timeout"],
                cfg["client"],
                cfg["deflate"],
            )
            conn.send((len(clients), errors))
        elif command == "counts":
            conn.send((len(sink.idx), sink.other, sum(not c.closed for c in clients)))
        elif command == "collect":
            conn.send(sink.reset())
        elif command == "close":
            # In batches: hundreds of simultaneous disconnects make a Channels server run
            # hundreds of group_discard at once, beyond redis-py 8's default pool of 100.
            for i in range(0, len(clients), cfg["connect_batch"]):
                for c in clients[i : i + cfg["connect_batch"]]:
                    c.close()
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.2)
            try:
                conn.send("closed")
            except OSError:
                pass
            return


class Workers:
    """The parent's handle on the receiver processes: one request, one reply each."""

    def __init__(self, procs: list[Any], conns: list[Connection]):
        self.procs = procs
        self.conns = conns
        self.replies: list[asyncio.Queue[Any]] = [asyncio.Queue() for _ in conns]
        for conn, queue in zip(conns, self.replies):
            pipe_reader(conn, queue, on_eof=EOFError("pipe closed"))

    async def ask(self, command: str, args: list[Any] | None = None) -> list[Any]:
        for i, conn in enumerate(self.conns):
            conn.send((command, None if args is None else args[i]))
        replies = [await q.get() for q in self.replies]
        died = [r for r in replies if isinstance(r, Exception)]
        if died:
            raise RuntimeError(f"a receiver process died: {died[0]!r}")
        return replies

    async def counts(self) -> tuple[int, int, int]:
        replies = await self.ask("counts")
        return tuple(sum(r[i] for r in replies) for i in range(3))  # type: ignore[return-value]

    async def close(self) -> None:
        try:
            await asyncio.wait_for(self.ask("close"), 10)
        except (RuntimeError, TimeoutError, OSError):
            pass  # a worker that does not answer is killed below
        for p in self.procs:
            p.join(2)
            if p.is_alive():
                p.kill()


# --------------------------------------------------------------------------- measuring


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (inf entries allowed)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def cpu_delta(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


def pct(cpu: float | None, seconds: float) -> float | None:
    return None if cpu is None else round(100 * cpu / seconds, 1)


def ms(x: float | None) -> float | None:
    return None if x is None or math.isnan(x) else round(x * 1000, 2)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    started = time.monotonic()
    deadline = started + args.max_seconds

    url = urlsplit(args.url)
    if url.scheme != "ws":
        raise SystemExit("only ws:// URLs (loopback benchmarks)")
    host, port = url.hostname or "127.0.0.1", url.port or 80
    tokens_doc = args.tokens_doc
    room = args.room if args.room is not None else tokens_doc.get("room", 1)
    origin = args.origin or tokens_doc.get("origin") or f"http://{host}:{port}"
    target = Target(host, port, f"/ws/rooms/{room}/", origin, list(tokens_doc.get("tokens", [])))

    steps = [float(s) for s in args.steps.split(",") if s.strip()]
    posts_per_step = [max(1, round(rate * args.step_seconds)) for rate in steps]
    prefix = run_prefix()
    ctx = multiprocessing.get_context("spawn")
    send_times_raw = ctx.RawArray("d", sum(posts_per_step) + 1)
    send_times = memoryview(send_times_raw).cast("B").cast("d")

    result: dict[str, Any] = {
        "url": target.url,
        "room": room,
        "clients": args.clients,
        "posters": args.posters,
        "procs": args.procs,
        "client": args.client,
        "deflate": args.deflate,
        "authorization": bool(target.tokens),
        "step_seconds": args.step_seconds,
        "drain_seconds": args.drain_seconds,
        "server_pids": args.server_pid,
        "redis_pid": args.redis_pid,
        "steps": [],
    }
    say = print if not args.quiet else (lambda *a, **k: None)
    say(
        f"# fanout {target.url} clients={args.clients} posters={args.posters} "
        f"procs={args.procs} client={args.client}{' +deflate' if args.deflate else ''} "
        f"auth={'token' if target.tokens else 'none'}",
        flush=True,
    )

    # Receivers: spawn the worker processes, then connect all shares at once.
    cfg = {
        "prefix": prefix,
        "target": target.__dict__,
        "loop": args.loop,
        "client": args.client,
        "deflate": args.deflate,
        "connect_batch": args.connect_batch,
        "connect_timeout": args.connect_timeout,
    }
    procs, conns = [], []
    for _ in range(args.procs):
        parent_end, child_end = ctx.Pipe()
        p = ctx.Process(target=worker_main, args=(child_end, cfg, send_times_raw), daemon=True)
        p.start()
        procs.append(p)
        conns.append(parent_end)
    workers = Workers(procs, conns)
    posters: list[RawClient] = []
    try:
        t = time.perf_counter()
        shares = [list(range(w, args.clients, args.procs)) for w in range(args.procs)]
        replies = await asyncio.wait_for(
            workers.ask("connect", shares), max(1.0, deadline - time.monotonic())
        )
        connected = sum(r[0] for r in replies)
        errors: dict[str, int] = {}
        for _, errs in replies:
            for k, v in errs.items():
                errors[k] = errors.get(k, 0) + v
        poster_sink = Sink(prefix.encode(), None)
        poster_list, poster_errors = await connect_many(
            target,
            list(range(args.clients, args.clients + args.posters)),
            poster_sink,
            args.posters,
            args.connect_timeout,
            "raw",
            False,
        )
        posters = poster_list
        connect_seconds = time.perf_counter() - t
        result.update(
            connected=connected,
            connect_errors=errors,
            posters_connected=len(posters),
            poster_errors=poster_errors,
            connect_seconds=round(connect_seconds, 2),
        )
        say(
            f"connected {connected}/{args.clients} receivers and {len(posters)}/{args.posters} "
            f"posters in {connect_seconds:.1f}s",
            flush=True,
        )
        for k, v in errors.items():
            say(f"  receiver connect error x{v}: {k}")
        for k, v in poster_errors.items():
            say(f"  poster connect error x{v}: {k}")
        if not posters or not connected:
            result["stopped"] = "no poster or no receiver connected"
            return result

        # Settle: let connect-time traffic (presence, ...) drain before measuring.
        last, quiet_since, settle_end = -1, time.monotonic(), time.monotonic() + args.settle_max
        while time.monotonic() < min(settle_end, deadline):
            _, other, _ = await workers.counts()
            total = other + poster_sink.frames
            if total != last:
                last, quiet_since = total, time.monotonic()
            elif time.monotonic() - quiet_since >= args.settle_quiet:
                break
            await asyncio.sleep(0.25)
        await workers.ask("collect")
        result["frames_before_first_step"] = last

        say(
            f"{'rate':>6} {'sent':>6} {'lag_ms':>7} {'expected':>9} {'received':>9} "
            f"{'loss%':>6} {'deliv/s':>8} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} "
            f"{'srv_us/d':>8} {'srv%':>5} {'rds_us/d':>8} {'cli%':>5} {'oth%':>5}  (latency in ms)",
            flush=True,
        )
        base = 0
        late_by_step: list[int] = []
        self_pid = os.getpid()
        worker_pids = [p.pid for p in procs]
        for number, (rate, n_posts) in enumerate(zip(steps, posts_per_step)):
            budget = deadline - time.monotonic()
            if budget < args.step_seconds + 1:
                result["stopped"] = f"--max-seconds reached before the {rate:g}/s step"
                break
            _, _, open_before = await workers.counts()
            cpu0 = (
                tree_cpu_seconds(args.server_pid),
                tree_cpu_seconds([args.redis_pid] if args.redis_pid else []),
                tree_cpu_seconds([self_pid]),
                [tree_cpu_seconds([p]) for p in worker_pids],
            )
            machine0 = machine_busy_seconds()
            template = json.dumps(
                {
                    "type": "report.create",
                    "report": {
                        "client_id": "@@",
                        "kind": "update",
                        "handling": "green",
                        "body": "bench",
                    },
                }
            )
            head, tail = template.split("@@")
            t0 = time.perf_counter()
            max_lag = 0.0
            posted = 0
            for k in range(n_posts):
                due = t0 + k / rate
                now = time.perf_counter()
                if due > now:
                    await asyncio.sleep(due - now)
                # A server that crashes or drops a poster must end the run with figures,
                # not with a traceback.
                live = [p for p in posters if not p.closed and not p.transport.is_closing()]
                if not live:
                    break
                idx = base + k
                frame = client_frame(0x1, f"{head}{prefix}{idx:012x}{tail}".encode())
                sent = time.perf_counter()
                send_times[idx] = sent
                live[k % len(live)].transport.write(frame)  # type: ignore[union-attr]
                posted += 1
                max_lag = max(max_lag, sent - due)
            send_end = time.perf_counter()
            if posted < n_posts:
                result["stopped"] = f"all posters disconnected during the {rate:g}/s step"
            machine_sending = machine_busy_seconds() - machine0
            cpu_sending = (
                tree_cpu_seconds(args.server_pid),
                tree_cpu_seconds([args.redis_pid] if args.redis_pid else []),
                tree_cpu_seconds([self_pid]),
                [tree_cpu_seconds([p]) for p in worker_pids],
            )
            expected = posted * open_before
            # Drain: until every expected delivery arrived, or drain_seconds after the last post.
            step_deadline = min(send_end + args.drain_seconds, time.perf_counter() + budget)
            while time.perf_counter() < step_deadline:
                await asyncio.sleep(0.05)
                got, _, _ = await workers.counts()
                if got >= expected:
                    break
            wall = time.perf_counter() - t0
            cpu1 = (
                tree_cpu_seconds(args.server_pid),
                tree_cpu_seconds([args.redis_pid] if args.redis_pid else []),
                tree_cpu_seconds([self_pid]),
                [tree_cpu_seconds([p]) for p in worker_pids],
            )
            collected = await workers.ask("collect")
            _, _, open_after = await workers.counts()

            lats: list[float] = []
            last_recv = t0
            other = 0
            late_by_step.append(0)
            for idx_bytes, lat_bytes, other_n in collected:
                other += other_n
                idxs, ls = array("I"), array("d")
                idxs.frombytes(idx_bytes)
                ls.frombytes(lat_bytes)
                for i, lat in zip(idxs, ls):
                    if i >= base:
                        lats.append(lat)
                        r = send_times[i] + lat
                        last_recv = max(last_recv, r)
                    else:  # a delivery of an earlier step that came after its drain
                        for s in range(len(late_by_step) - 1):
                            if i < sum(posts_per_step[: s + 1]):
                                late_by_step[s] += 1
                                break
            lats.sort()
            received = len(lats)
            missing = max(0, expected - received)
            with_loss = lats + [math.inf] * missing
            server_cpu = cpu_delta(cpu0[0], cpu1[0])
            redis_cpu = cpu_delta(cpu0[1], cpu1[1])
            client_cpu = cpu_delta(cpu0[2], cpu1[2])
            # Utilisation (% of one core) over the sending window only: the drain would
            # dilute it. Per-delivery CPU uses the whole step (sending and drain).
            sending = max(send_end - t0, 1e-9)
            server_sending = cpu_delta(cpu0[0], cpu_sending[0])
            redis_sending = cpu_delta(cpu0[1], cpu_sending[1])
            client_sending = cpu_delta(cpu0[2], cpu_sending[2])
            worker_sending = [cpu_delta(a, b) for a, b in zip(cpu0[3], cpu_sending[3])]
            step = {
                "rate": rate,
                "posts_sent": posted,
                "send_seconds": round(send_end - t0, 3),
                "max_send_lag_ms": ms(max_lag),
                "receivers_open": open_before,
                "receivers_open_after": open_after,
                "expected": expected,
                "received": received,
                "loss_pct": round(100 * missing / expected, 3) if expected else None,
                "duplicates_or_extra": max(0, received - expected),
                "other_frames": other,
                "delivered_per_s": round(received / max(last_recv - t0, 1e-9), 1),
                "wall_seconds": round(wall, 3),
                "p50_ms": ms(percentile(lats, 50)),
                "p95_ms": ms(percentile(lats, 95)),
                "p99_ms": ms(percentile(lats, 99)),
                "max_ms": ms(lats[-1] if lats else math.nan),
                "p99_with_loss_ms": (
                    ms(percentile(with_loss, 99))
                    if with_loss and percentile(with_loss, 99) != math.inf
                    else None
                ),
                "server_cpu_s": None if server_cpu is None else round(server_cpu, 3),
                "server_us_per_delivery": (
                    round(1e6 * server_cpu / received, 1)
                    if server_cpu is not None and received
                    else None
                ),
                "server_ms_per_post": (
                    round(1e3 * server_cpu / posted, 3)
                    if server_cpu is not None and posted
                    else None
                ),
                "server_cpu_pct": pct(server_sending, sending),
                "redis_cpu_s": None if redis_cpu is None else round(redis_cpu, 3),
                "redis_us_per_delivery": (
                    round(1e6 * redis_cpu / received, 1)
                    if redis_cpu is not None and received
                    else None
                ),
                "redis_cpu_pct": pct(redis_sending, sending),
                "client_cpu_s": None if client_cpu is None else round(client_cpu, 3),
                "client_cpu_pct": pct(client_sending, sending),
                "receiver_proc_cpu_pct": [pct(c, sending) for c in worker_sending],
                # Everything else on the machine (other tests, builds...): when this is
                # large the step measured a shared machine, not the server.
                "machine_cpu_pct": pct(machine_sending, sending),
                "other_cpu_pct": pct(
                    machine_sending
                    - sum(x or 0.0 for x in (server_sending, redis_sending, client_sending)),
                    sending,
                ),
            }
            result["steps"].append(step)

            def f(x: Any, width: int, spec: str = ".1f") -> str:
                return f"{'-':>{width}}" if x is None else f"{x:>{width}{spec}}"

            say(
                f"{rate:>6g} {posted:>6d} {f(step['max_send_lag_ms'], 7)} {expected:>9d} "
                f"{received:>9d} {f(step['loss_pct'], 6, '.2f')} "
                f"{f(step['delivered_per_s'], 8, '.0f')} {f(step['p50_ms'], 7)} "
                f"{f(step['p95_ms'], 7)} {f(step['p99_ms'], 7)} {f(step['max_ms'], 7)} "
                f"{f(step['server_us_per_delivery'], 8)} {f(step['server_cpu_pct'], 5, '.0f')} "
                f"{f(step['redis_us_per_delivery'], 8)} {f(step['client_cpu_pct'], 5, '.0f')} "
                f"{f(step['other_cpu_pct'], 5, '.0f')}",
                flush=True,
            )
            base += n_posts
            if posted < n_posts:
                break
            p99 = step["p99_with_loss_ms"]
            if args.stop_p99_ms and (p99 is None or p99 > args.stop_p99_ms):
                rest = steps[number + 1 :]
                if rest:
                    result["stopped"] = (
                        f"saturated at {rate:g}/s (p99 incl. loss > {args.stop_p99_ms} ms); "
                        f"skipped {','.join(f'{r:g}' for r in rest)}"
                    )
                break
        for step, late in zip(result["steps"], late_by_step):
            step["late_after_drain"] = late
        for limit in (100, 200):
            ok = [
                s["rate"]
                for s in result["steps"]
                if s["p99_with_loss_ms"] is not None and s["p99_with_loss_ms"] < limit
            ]
            result[f"max_rate_p99_under_{limit}ms"] = max(ok) if ok else None
        say(
            f"highest rate with p99 (loss counted as infinite) < 100 ms: "
            f"{result['max_rate_p99_under_100ms']} posts/s; < 200 ms: "
            f"{result['max_rate_p99_under_200ms']} posts/s"
        )
        if result.get("stopped"):
            say(f"stopped: {result['stopped']}")
        return result
    finally:
        for p in posters:
            p.close()
        await workers.close()
        result["elapsed_seconds"] = round(time.monotonic() - started, 1)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Room fan-out benchmark (latency from post to every receiver)."
    )
    parser.add_argument("--url", default="ws://127.0.0.1:8000", help="ws://HOST:PORT")
    parser.add_argument(
        "--room", type=int, default=None, help="room id (default: tokens file's, else 1)"
    )
    parser.add_argument("--clients", type=int, default=1000, help="receiving connections")
    parser.add_argument("--posters", type=int, default=2, help="posting connections")
    parser.add_argument("--rate", type=float, default=10, help="posts/s when --steps is not given")
    parser.add_argument("--steps", default=None, help="comma-separated posts/s, e.g. 10,20,50,100")
    parser.add_argument("--step-seconds", type=float, default=10)
    parser.add_argument(
        "--drain-seconds",
        type=float,
        default=5,
        help="wait at most this long after a step's last post",
    )
    parser.add_argument("--tokens-file", help='JSON {"room", "origin", "tokens": [...]}')
    parser.add_argument("--origin", help="Origin header (default: tokens file's, else the URL's)")
    parser.add_argument("--procs", type=int, default=2, help="receiver processes")
    parser.add_argument(
        "--client",
        choices=["raw", "websockets"],
        default="raw",
        help="receiver implementation (posters are always raw)",
    )
    parser.add_argument(
        "--deflate",
        action="store_true",
        help="with --client websockets: offer permessage-deflate like browsers",
    )
    parser.add_argument("--loop", choices=["auto", "uvloop", "asyncio"], default="auto")
    parser.add_argument(
        "--connect-batch",
        type=int,
        default=25,
        help="concurrent connection attempts (and closes) per receiver process; "
        "keep procs x batch under 100 against channels_redis on redis-py 8",
    )
    parser.add_argument("--connect-timeout", type=float, default=10)
    parser.add_argument(
        "--settle-quiet",
        type=float,
        default=1.0,
        help="before the first step, wait until no frame arrived for this long",
    )
    parser.add_argument("--settle-max", type=float, default=30)
    parser.add_argument(
        "--stop-p99-ms",
        type=float,
        default=1000,
        help="skip higher steps once p99 (loss counted) exceeds this; 0: never",
    )
    parser.add_argument(
        "--server-pid",
        type=int,
        action="append",
        default=[],
        help="server process (with its live descendants); repeatable",
    )
    parser.add_argument("--redis-pid", type=int, default=None, help="redis-server, reported apart")
    parser.add_argument("--max-seconds", type=float, default=600, help="bound on the whole run")
    parser.add_argument("--json", dest="json_out", help="write all figures to this file")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.steps is None:
        args.steps = f"{args.rate:g}"
    args.tokens_doc = {}
    if args.tokens_file:
        with open(args.tokens_file) as f:
            args.tokens_doc = json.load(f)
    if args.procs < 1 or args.posters < 1 or args.clients < 1:
        parser.error("--procs, --posters and --clients must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    raise_nofile_limit()
    loop = new_event_loop(args.loop)
    asyncio.set_event_loop(loop)
    try:
        result = loop.run_until_complete(asyncio.wait_for(run(args), args.max_seconds + 30))
    except KeyboardInterrupt:
        return 130
    finally:
        loop.close()
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(result, f, indent=2)
    return 0 if result.get("connected") else 1


if __name__ == "__main__":
    sys.exit(main())
