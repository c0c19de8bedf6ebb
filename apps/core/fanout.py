"""Fan-out inside one server process: one subscription per group, not one per socket.

With a channel per socket, a room event reaches a process once per open
socket of the room, and each copy is decoded again (channels_redis's pub/sub
layer deserialises per channel) and dispatched through the consumer's
receive loop. The hub joins the group with a single channel of its own,
decodes each event once and hands the same dict to every local socket that
follows the group; the socket decides, with the visibility rule, what its
officer sees, and queues an already encoded frame.
"""

import asyncio
import logging
import weakref
from typing import Protocol

logger = logging.getLogger(__name__)


class Follower(Protocol):
    def hub_event(self, event: dict) -> None: ...


class GroupHub:
    """The group subscriptions of the sockets of one event loop (one server process)."""

    def __init__(self, layer) -> None:
        self.layer = layer
        self.channel: str | None = None
        self.followers: dict[str, set[Follower]] = {}
        self.pump: asyncio.Task | None = None
        self.lock = asyncio.Lock()

    async def follow(self, group: str, follower: Follower) -> None:
        async with self.lock:
            if self.channel is None:
                self.channel = await self.layer.new_channel("hub.")
                self.pump = asyncio.create_task(self._pump(), name="group-hub")
            followers = self.followers.get(group)
            if followers is None:
                await self.layer.group_add(group, self.channel)
                followers = self.followers[group] = set()
            followers.add(follower)

    async def unfollow(self, group: str, follower: Follower) -> None:
        async with self.lock:
            followers = self.followers.get(group)
            if followers is None:
                return
            followers.discard(follower)
            if not followers:
                del self.followers[group]
                await self.layer.group_discard(group, self.channel)

    async def _pump(self) -> None:
        while True:
            try:
                event = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("group hub could not receive; retrying", exc_info=True)
                await asyncio.sleep(0.5)
                continue
            for follower in tuple(self.followers.get(event.get("group"), ())):
                try:
                    follower.hub_event(event)
                except Exception:
                    logger.exception("a socket failed to take %s", event.get("type"))


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, GroupHub]" = (
    weakref.WeakKeyDictionary()
)


def hub_for(layer) -> GroupHub:
    """This event loop's hub on `layer`."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None or hub.layer is not layer:
        hub = _hubs[loop] = GroupHub(layer)
    return hub
