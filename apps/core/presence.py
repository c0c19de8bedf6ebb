"""Who is connected where, shared by every server process.

With Redis each room has a hash of its open sockets (channel name -> who and
when last seen) and each officer a hash of their sockets; entries a crashed
process left behind expire because every socket refreshes its own entry.
Without Redis (the embedded default, one process) the same lives in memory.
"""

import json
import time
from dataclasses import dataclass

from django.conf import settings

STALE_AFTER = 3  # refresh periods


@dataclass(frozen=True)
class Seat:
    channel: str
    officer_id: int
    username: str
    agency_id: int
    agency: str
    country: str


def _stale_before() -> float:
    return time.time() - STALE_AFTER * max(settings.WS_RECHECK_SECONDS, 1.0)


class MemoryPresence:
    def __init__(self) -> None:
        self.rooms: dict[str, dict[str, tuple[float, Seat]]] = {}
        self.officers: dict[int, dict[str, float]] = {}

    async def officer_connect(self, officer_id: int, channel: str) -> int:
        sockets = self.officers.setdefault(officer_id, {})
        sockets[channel] = time.time()
        cutoff = _stale_before()
        for name, seen in list(sockets.items()):
            if seen < cutoff:
                del sockets[name]
        return len(sockets)

    async def officer_disconnect(self, officer_id: int, channel: str) -> None:
        self.officers.get(officer_id, {}).pop(channel, None)

    async def join(self, room: str, seat: Seat) -> None:
        self.rooms.setdefault(room, {})[seat.channel] = (time.time(), seat)
        self.officers.setdefault(seat.officer_id, {})[seat.channel] = time.time()

    async def leave(self, room: str, seat: Seat) -> None:
        self.rooms.get(room, {}).pop(seat.channel, None)

    async def seats(self, room: str) -> list[Seat]:
        cutoff = _stale_before()
        entries = self.rooms.get(room, {})
        for name, (seen, _) in list(entries.items()):
            if seen < cutoff:
                del entries[name]
        return [seat for _, seat in entries.values()]


class RedisPresence:
    def __init__(self, url: str, prefix: str) -> None:
        self.url = url
        self.prefix = prefix
        self._clients: dict[int, object] = {}

    def _redis(self):
        import asyncio

        import redis.asyncio as aioredis

        loop = asyncio.get_running_loop()
        client = self._clients.get(id(loop))
        if client is None:
            # A blocking pool: a burst of sockets waits for a connection
            # instead of failing with "Too many connections".
            pool = aioredis.BlockingConnectionPool.from_url(
                self.url, max_connections=32, timeout=10
            )
            client = aioredis.Redis(connection_pool=pool)
            self._clients[id(loop)] = client
        return client

    async def officer_connect(self, officer_id: int, channel: str) -> int:
        key = f"{self.prefix}:officer-sockets:{officer_id}"
        redis = self._redis()
        now = time.time()
        await redis.hset(key, channel, now)
        await redis.expire(key, 3600)
        sockets = await redis.hgetall(key)
        cutoff = _stale_before()
        stale = [name for name, seen in sockets.items() if float(seen) < cutoff]
        if stale:
            await redis.hdel(key, *stale)
        return len(sockets) - len(stale)

    async def officer_disconnect(self, officer_id: int, channel: str) -> None:
        await self._redis().hdel(f"{self.prefix}:officer-sockets:{officer_id}", channel)

    async def join(self, room: str, seat: Seat) -> None:
        key = f"{self.prefix}:presence:{room}"
        value = json.dumps({"seen": time.time(), **seat.__dict__})
        async with self._redis().pipeline(transaction=False) as pipe:
            pipe.hset(key, seat.channel, value)
            pipe.expire(key, 3600)
            pipe.hset(f"{self.prefix}:officer-sockets:{seat.officer_id}", seat.channel, time.time())
            await pipe.execute()

    async def leave(self, room: str, seat: Seat) -> None:
        await self._redis().hdel(f"{self.prefix}:presence:{room}", seat.channel)

    async def seats(self, room: str) -> list[Seat]:
        redis = self._redis()
        key = f"{self.prefix}:presence:{room}"
        entries = await redis.hgetall(key)
        cutoff = _stale_before()
        seats, stale = [], []
        for name, raw in entries.items():
            data = json.loads(raw)
            if data.pop("seen") < cutoff:
                stale.append(name)
            else:
                seats.append(Seat(**data))
        if stale:
            await redis.hdel(key, *stale)
        return seats


_presence = None


def presence():
    global _presence
    if _presence is None:
        if settings.REDIS_URL:
            _presence = RedisPresence(settings.REDIS_URL, settings.CHANNEL_PREFIX)
        else:
            _presence = MemoryPresence()
    return _presence


def presence_summary(seats: list[Seat]) -> list[dict]:
    """Connected officers grouped by country and agency, for `presence` events."""
    groups: dict[tuple[str, int], dict] = {}
    for seat in seats:
        group = groups.setdefault(
            (seat.country, seat.agency_id),
            {"country": seat.country, "agency": seat.agency, "officers": set()},
        )
        group["officers"].add(seat.username)
    return [
        {**g, "officers": sorted(g["officers"])}
        for g in sorted(groups.values(), key=lambda g: (g["country"], g["agency"]))
    ]
