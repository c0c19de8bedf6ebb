"""Baseline: a bare `websockets` broadcast server speaking the room protocol.

No Django, no channel layer, no database, no authentication: a room is a set of open
connections in this process, and a `report.create` is answered by encoding one
`report.created` frame and handing it to `websockets.broadcast` for every connection of
the room (the poster too). This is the floor the real app's fan-out is compared with.

    python -m bench.baseline_websockets --port 8101
"""

from __future__ import annotations

import argparse
import asyncio
import http
import itertools
import json
import re
import signal
import sys

from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.http11 import Request, Response

from bench._common import die_with_parent, new_event_loop, raise_nofile_limit

ROOM_PATH = re.compile(r"/ws/rooms/(?P<room_id>[^/]+)/")

rooms: dict[str, set[ServerConnection]] = {}
seq = itertools.count(1)


def error_frame(code: str, message: str) -> str:
    return json.dumps({"type": "error", "code": code, "message": message})


def reject_unknown_paths(connection: ServerConnection, request: Request) -> Response | None:
    """Refuse the handshake for anything but /ws/rooms/<id>/ (404, like a URL router)."""
    if ROOM_PATH.fullmatch(request.path.split("?", 1)[0]):
        return None
    return connection.respond(http.HTTPStatus.NOT_FOUND, "Not Found\n")


async def room_handler(connection: ServerConnection) -> None:
    """Join the room, broadcast each report.create as report.created, leave on close."""
    match = ROOM_PATH.fullmatch(connection.request.path.split("?", 1)[0])
    assert match is not None  # reject_unknown_paths let only room paths through
    room = rooms.setdefault(match["room_id"], set())
    room.add(connection)
    try:
        async for message in connection:
            try:
                event = json.loads(message)
            except ValueError:
                await connection.send(error_frame("invalid_json", "Frames must be JSON."))
                continue
            report = event.get("report") if isinstance(event, dict) else None
            if event.get("type") != "report.create" or not isinstance(report, dict):
                await connection.send(error_frame("unknown_type", "Unknown frame type."))
                continue
            report["seq"] = next(seq)
            # Encode once; broadcast copies the same bytes into every connection's buffer.
            frame = json.dumps({"type": "report.created", "report": report}).encode()
            broadcast(room, frame, text=True)
    finally:
        room.discard(connection)


async def main(host: str, port: int) -> None:
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)
    async with serve(
        room_handler,
        host,
        port,
        process_request=reject_unknown_paths,
        max_size=64 * 1024,
        backlog=2048,  # as uvicorn: 1000 clients connecting in batches must not hit SYN drops
    ):
        print(f"baseline_websockets listening on ws://{host}:{port}/ws/rooms/<id>/", flush=True)
        await stop


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8101)
    parser.add_argument(
        "--loop",
        choices=["auto", "uvloop", "asyncio"],
        default="auto",
        help="event loop; auto = uvloop when installed, like uvicorn's --loop auto",
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    args = parse_args()
    raise_nofile_limit()
    die_with_parent()
    loop = new_event_loop(args.loop)
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(main(args.host, args.port))
    finally:
        loop.close()
    sys.exit(0)
