"""Reconnects of the process's Redis pub/sub connections (what was published meanwhile is lost)."""

import logging

logger = logging.getLogger(__name__)


class _SubscriberWatch:
    """Counts reconnects of this process's pub/sub connections to Redis.

    Pub/sub keeps nothing for a subscriber that is away. redis-py re-subscribes
    when its connection comes back, so live delivery goes on, but what was
    published in between never arrives. Sockets compare `generation` with the
    one they opened under. Only the Redis pub/sub layer has such connections;
    with any other layer this does nothing.
    """

    def __init__(self) -> None:
        self.generation = 0

    def watch(self, layer) -> None:
        """Be told of every later (re)connect of `layer`'s subscriber connections."""
        loop_layer = getattr(layer, "_get_layer", None)
        if loop_layer is None:
            return
        for shard in getattr(loop_layer(), "_shards", ()):
            connection = getattr(getattr(shard, "_pubsub", None), "connection", None)
            if connection is not None:
                # kept as a weak method, and only once however often it is registered
                connection.register_connect_callback(self._reconnected)

    def _reconnected(self, connection) -> None:
        self.generation += 1
        logger.warning("pub/sub connection to Redis re-made; open sockets will be told to resume")


subscriber_watch = _SubscriberWatch()
