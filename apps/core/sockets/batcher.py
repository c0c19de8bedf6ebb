"""Calls made by many sockets within a short window, gathered into one."""

import asyncio
import weakref

from channels.db import database_sync_to_async


class Batcher:
    """Gathers the calls made within `window` seconds into one call of `many`.

    A thousand sockets rechecking their officers every few seconds then cost
    a few queries per window, not a few per socket.
    """

    def __init__(self, many, window: float = 0.05) -> None:
        self.many = many
        self.window = window
        self.pending: dict = {}
        self.flusher: asyncio.Task | None = None

    async def __call__(self, key):
        future = asyncio.get_running_loop().create_future()
        self.pending.setdefault(key, []).append(future)
        if self.flusher is None:
            self.flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        await asyncio.sleep(self.window)
        pending, self.pending, self.flusher = self.pending, {}, None
        try:
            results = await database_sync_to_async(self.many)(list(pending))
        except Exception as exc:
            for futures in pending.values():
                for future in futures:
                    if not future.done():
                        future.set_exception(exc)
            return
        for key, futures in pending.items():
            for future in futures:
                if not future.done():
                    future.set_result(results.get(key))


_batchers: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def batcher_for(many) -> Batcher:
    """This event loop's batcher of `many`."""
    loop = asyncio.get_running_loop()
    batchers = _batchers.setdefault(loop, {})
    if many not in batchers:
        batchers[many] = Batcher(many)
    return batchers[many]
