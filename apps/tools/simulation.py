"""Replaying an action week against a running server, through the real API and sockets.

Used by `manage.py simulate_operation`. Everything after the set-up goes over the
network as clients would: a token per officer, REST for scoring, imports,
indicators and half of the reports, the room socket (`report.create` ->
`report.ack`) for the other half, and listeners on room, alert and dashboard
sockets that time how long a posted report takes to reach them.

No Django here (the command does the set-up in the database and hands over
tokens and ids), so the load generator costs the server's machine little.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import statistics
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import websockets

# ------------------------------------------------------------------ measuring


class Recorder:
    """Latencies (seconds) and counts per kind of operation."""

    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)

    def add(self, name: str, seconds: float) -> None:
        self.samples[name].append(seconds)

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] += n

    @staticmethod
    def percentile(values: list[float], q: float) -> float:
        ordered = sorted(values)
        index = min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))
        return ordered[index]

    def summary(self) -> dict[str, dict]:
        out = {}
        for name, values in sorted(self.samples.items()):
            if not values:
                continue
            out[name] = {
                "n": len(values),
                "p50_ms": round(self.percentile(values, 0.50) * 1000, 1),
                "p95_ms": round(self.percentile(values, 0.95) * 1000, 1),
                "p99_ms": round(self.percentile(values, 0.99) * 1000, 1),
                "max_ms": round(max(values) * 1000, 1),
                "mean_ms": round(statistics.fmean(values) * 1000, 1),
            }
        return out


# ----------------------------------------------------------------------- HTTP


class HttpError(Exception):
    pass


class Http:
    """An officer's HTTP client: httpx over one keep-alive connection, retried once."""

    def __init__(self, base_url: str, token: str, origin: str):
        self.token, self.origin = token, origin
        self.client = httpx.AsyncClient(
            base_url=base_url,
            headers={"Authorization": f"Token {token}", "Accept": "application/json"},
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            timeout=httpx.Timeout(60.0),
        )

    async def close(self) -> None:
        await self.client.aclose()

    async def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        content_type: str = "application/json",
    ) -> tuple[int, Any]:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        headers = {"Content-Type": content_type} if data else {}
        for attempt in (1, 2):
            try:
                response = await self.client.request(
                    method, path, content=data or None, headers=headers
                )
                break
            except httpx.TransportError as exc:  # the server closed a kept-alive connection
                if attempt == 2:
                    raise HttpError(str(exc)) from exc
        try:
            return response.status_code, response.json() if response.content else None
        except ValueError:
            return response.status_code, response.text


def multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# ------------------------------------------------------------------ the week


@dataclass
class Hub:
    """An officer at a postal hub: their token, country and room."""

    username: str
    token: str
    country: str
    room: int
    http: Http | None = None
    socket: Any = None
    acks: dict[str, asyncio.Future] = field(default_factory=dict)
    socket_lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class Plan:
    url: str
    origin: str
    operation: int
    hubs: list[Hub]
    analyst_token: str
    coordinator_token: str
    listener_tokens: list[tuple[str, int]]  # (token, room)
    parcels: int = 42_124
    duration: float = 300.0
    concurrency: int = 32
    batch_mean: int = 20
    threshold: float = 40.0
    ws_share: float = 0.5
    linked_share: float = 0.02
    base_hit_share: float = 0.002
    seed: int = 7


def _day_profile(rng: random.Random, duration: float) -> float:
    """A time in [0, duration): five days, most work between 7 and 19 h."""
    day = rng.randrange(5)
    hour = rng.choices(
        range(24),
        weights=[1, 1, 1, 1, 1, 2, 4, 8, 10, 10, 10, 10, 9, 10, 10, 10, 9, 8, 6, 3, 2, 1, 1, 1],
    )[0]
    return (day * 24 + hour + rng.random()) / (5 * 24) * duration


class Simulation:
    def __init__(self, plan: Plan, generator, log=print):
        self.plan = plan
        self.generator = generator
        self.log = log
        self.rng = random.Random(plan.seed)
        self.rec = Recorder()
        self.sent: dict[str, float] = {}  # client_id -> perf_counter at send
        self.late: list[float] = []
        self.listeners: list[asyncio.Task] = []
        self.stop = asyncio.Event()

    # -- sockets
    def _ws_url(self, path: str) -> str:
        parts = urlsplit(self.plan.url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        return f"{scheme}://{parts.netloc}{path}"

    async def _connect(self, path: str, token: str):
        return await websockets.connect(
            self._ws_url(path),
            additional_headers={"Authorization": f"Token {token}"},
            origin=self.plan.origin,
            max_size=2**22,
            open_timeout=20,
        )

    async def _listen(self, path: str, token: str, name: str) -> None:
        try:
            socket = await self._connect(path, token)
        except Exception as exc:  # noqa: BLE001 - a listener that cannot connect is counted
            self.rec.count(f"{name}.connect_failed")
            self.log(f"listener {name} {path}: {exc}")
            return
        self.rec.count(f"{name}.connected")
        try:
            async for frame in socket:
                now = time.perf_counter()
                if self.stop.is_set():
                    break
                event = json.loads(frame)
                kind = event.get("type")
                self.rec.count(f"{name}.{kind}")
                if kind == "report.created":
                    sent = self.sent.get(event["report"].get("client_id"))
                    if sent is not None:
                        self.rec.add("fanout: post -> report.created at a listener", now - sent)
        except websockets.ConnectionClosed:
            pass
        finally:
            await socket.close()

    async def _hub_socket(self, hub: Hub):
        async with hub.socket_lock:
            if hub.socket is None:
                hub.socket = await self._connect(f"/ws/rooms/{hub.room}/", hub.token)
                asyncio.create_task(self._read_acks(hub, hub.socket))
            return hub.socket

    async def _read_acks(self, hub: Hub, socket) -> None:
        try:
            async for frame in socket:
                if '"report.ack"' not in frame:
                    continue
                event = json.loads(frame)
                future = hub.acks.pop(event.get("client_id"), None)
                if future is not None and not future.done():
                    future.set_result(event)
        except websockets.ConnectionClosed:
            pass
        finally:
            hub.socket = None
            for future in hub.acks.values():
                if not future.done():
                    future.set_exception(ConnectionError("socket closed"))
            hub.acks.clear()

    # -- posting
    async def _post(self, hub: Hub, report: dict) -> None:
        report["client_id"] = client_id = str(uuid.uuid4())
        use_ws = self.rng.random() < self.plan.ws_share
        started = time.perf_counter()
        self.sent[client_id] = started
        if use_ws:
            try:
                socket = await self._hub_socket(hub)
                future = asyncio.get_running_loop().create_future()
                hub.acks[client_id] = future
                await socket.send(json.dumps({"type": "report.create", "report": report}))
                await asyncio.wait_for(future, 30)
                self.rec.add("ws report.create -> report.ack", time.perf_counter() - started)
                self.rec.count("reports.ws")
                return
            except Exception as exc:  # noqa: BLE001 - counted, then posted over REST
                self.rec.count("reports.ws_failed")
                self.log(f"ws post failed ({exc}); posting over REST")
        status, data = await hub.http.request("POST", f"/api/v1/rooms/{hub.room}/reports/", report)
        self.rec.add("REST POST report", time.perf_counter() - started)
        if status in (200, 201):
            self.rec.count("reports.rest")
        else:
            self.rec.count(f"reports.rest_{status}")
            if self.rec.counts[f"reports.rest_{status}"] <= 3:
                self.log(f"POST report -> {status}: {str(data)[:300]}")

    def _hit_chance(self, result: dict, linked: bool) -> float:
        # About 0.75 % of the parcels checked find something (ARMSTRONG VII: 316
        # seizures in 42 124 checks), more where the indicators point, most where the
        # recipient was seen in an earlier seizure.
        chance = self.plan.base_hit_share + result.get("score", 0) / 2500
        if linked:
            chance += 0.25
        return min(chance, 0.6)

    async def _scan(self, hub: Hub, size: int) -> None:
        linked_flags = [self.rng.random() < self.plan.linked_share for _ in range(size)]
        parcels = [self.generator.parcel(hub.country, linked=linked) for linked in linked_flags]
        started = time.perf_counter()
        status, data = await hub.http.request(
            "POST", f"/api/v1/operations/{self.plan.operation}/score/", {"parcels": parcels}
        )
        elapsed = time.perf_counter() - started
        self.rec.add("score batch", elapsed)
        self.rec.add("score per parcel (batch time / size)", elapsed / size)
        if status != 200:
            self.rec.count(f"score_{status}")
            if self.rec.counts[f"score_{status}"] <= 3:
                self.log(f"score -> {status}: {str(data)[:300]}")
            return
        self.rec.count("parcels.scored", size)
        opened = 0
        for parcel, linked, result in zip(parcels, linked_flags, data["results"], strict=True):
            flagged = result.get("score", 0) >= self.plan.threshold
            if not flagged and self.rng.random() > 0.02:
                continue
            opened += 1
            parcel = {k: v for k, v in parcel.items() if k != "notes"}
            hit = self.rng.random() < self._hit_chance(result, linked)
            self.rec.count("parcels.opened")
            site = {
                "name": f"{hub.country} international mail centre",
                "country": hub.country,
                "site_type": "postal_hub",
            }
            await self._post(
                hub,
                {
                    "kind": "check",
                    "checks_count": 1,
                    "parcel": parcel,
                    "outcome": "hit" if hit else self.rng.choice(["clear"] * 4 + ["suspicious"]),
                    "location": site,
                },
            )
            if hit:
                self.rec.count("parcels.hit")
                category = self.rng.choices(
                    ["other_weapon", "ammunition", "firearm_part", "firearm"], [70, 15, 10, 5]
                )[0]
                quantity = self.rng.randrange(20, 200) if category == "ammunition" else 1
                await self._post(
                    hub,
                    {
                        "kind": "hit",
                        "parcel": parcel,
                        "location": site,
                        "seizures": [{"category": category, "quantity": quantity}],
                    },
                )
        if size - opened > 0:
            await self._post(
                hub,
                {
                    "kind": "check",
                    "checks_count": size - opened,
                    "outcome": "clear",
                    "body": "Scanned, nothing to open.",
                },
            )

    # -- the run
    async def run(self) -> dict:
        plan = self.plan
        for hub in plan.hubs:
            hub.http = Http(plan.url, hub.token, plan.origin)
        for token, room in plan.listener_tokens:
            self.listeners.append(
                asyncio.create_task(self._listen(f"/ws/rooms/{room}/", token, "room"))
            )
        self.listeners.append(
            asyncio.create_task(self._listen("/ws/alerts/", plan.analyst_token, "alerts.analyst"))
        )
        self.listeners.append(
            asyncio.create_task(
                self._listen("/ws/alerts/", plan.coordinator_token, "alerts.coordinator")
            )
        )
        self.listeners.append(
            asyncio.create_task(
                self._listen(
                    f"/ws/operations/{plan.operation}/dashboard/",
                    plan.coordinator_token,
                    "dashboard",
                )
            )
        )
        await asyncio.sleep(1.0)

        batches = []
        left = plan.parcels
        while left > 0:
            size = min(left, max(1, int(self.rng.expovariate(1 / plan.batch_mean)) + 1))
            batches.append(
                (_day_profile(self.rng, plan.duration), self.rng.choice(plan.hubs), size)
            )
            left -= size
        batches.sort(key=lambda b: b[0])
        queue: asyncio.Queue = asyncio.Queue()
        for batch in batches:
            queue.put_nowait(batch)
        self.log(
            f"replaying {plan.parcels} parcels in {len(batches)} scans by {len(plan.hubs)} officers "
            f"over {plan.duration:.0f} s, {plan.concurrency} at a time"
        )
        t0 = time.perf_counter()

        async def worker() -> None:
            while not queue.empty():
                due, hub, size = queue.get_nowait()
                wait = t0 + due - time.perf_counter()
                if wait > 0:
                    await asyncio.sleep(wait)
                else:
                    self.late.append(-wait)
                try:
                    await self._scan(hub, size)
                except Exception as exc:  # noqa: BLE001 - one failed scan must not stop the week
                    self.rec.count("scan_errors")
                    if self.rec.counts["scan_errors"] <= 5:
                        self.log(f"scan failed: {exc!r}")

        progress = asyncio.create_task(self._progress(t0, len(batches), queue))
        await asyncio.gather(*(worker() for _ in range(plan.concurrency)))
        elapsed = time.perf_counter() - t0
        progress.cancel()
        await asyncio.sleep(3.0)  # let the last deliveries arrive
        self.stop.set()
        for hub in plan.hubs:
            await hub.http.close()
            if hub.socket is not None:
                await hub.socket.close()
        for task in self.listeners:
            task.cancel()
        await asyncio.gather(*self.listeners, return_exceptions=True)
        return self._report(elapsed, len(batches))

    async def _progress(self, t0: float, total: int, queue: asyncio.Queue) -> None:
        while True:
            await asyncio.sleep(10)
            done = total - queue.qsize()
            elapsed = time.perf_counter() - t0
            self.log(
                f"  {elapsed:5.0f} s  scans {done}/{total}  parcels {self.rec.counts['parcels.scored']}  "
                f"reports {self.rec.counts['reports.rest'] + self.rec.counts['reports.ws']}"
            )

    def _report(self, elapsed: float, scans: int) -> dict:
        counts = dict(self.rec.counts)
        reports = counts.get("reports.rest", 0) + counts.get("reports.ws", 0)
        return {
            "target": {
                "parcels": self.plan.parcels,
                "duration_s": self.plan.duration,
                "parcels_per_s": round(self.plan.parcels / self.plan.duration, 1),
            },
            "achieved": {
                "elapsed_s": round(elapsed, 1),
                "scans": scans,
                "parcels_scored": counts.get("parcels.scored", 0),
                "parcels_per_s": round(counts.get("parcels.scored", 0) / elapsed, 1),
                "reports": reports,
                "reports_per_s": round(reports / elapsed, 1),
                "opened": counts.get("parcels.opened", 0),
                "hits": counts.get("parcels.hit", 0),
                "max_lateness_s": round(max(self.late, default=0.0), 2),
            },
            "latency": self.rec.summary(),
            "counts": counts,
        }
