"""REST rate limits that never fail a write because the shared cache is away.

The limits are counted in the default cache (Redis when REDIS_URL is set), so
they hold across server processes. When Redis cannot be reached the request
is counted in a per-process memory cache instead (a looser limit: one per
process), logged, and Redis is tried again after FALLBACK_SECONDS. Persist
first: a report is never refused because a counter could not be kept.

On Redis the window is a sorted set of request times, trimmed, counted and added to
by one script: one round trip on a client kept per cache, where DRF's own throttle
reads and writes the whole history through the cache (two round trips, each on a
new client).
"""

import logging
import time
import uuid
import weakref

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError
from rest_framework.throttling import ScopedRateThrottle

logger = logging.getLogger(__name__)
FALLBACK_SECONDS = 5.0

_local_cache = LocMemCache("throttle-fallback", {})
_shared_down_until = 0.0

# The same rule as SimpleRateThrottle.allow_request: drop the times older than the
# window; refuse when `limit` remain, else add this one. Returns [allowed, count after,
# oldest time kept].
_SLIDING_WINDOW = """
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local allowed = 0
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, math.ceil(window * 1000))
  count = count + 1
  allowed = 1
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2] or ARGV[1]
return {allowed, count, oldest}
"""

_scripts: "weakref.WeakKeyDictionary[RedisCache, object]" = weakref.WeakKeyDictionary()


def _window_script(cache):
    """The sliding-window script on a Redis client kept for `cache`; None off Redis."""
    if not isinstance(cache, RedisCache):
        return None
    script = _scripts.get(cache)
    if script is None:
        script = _scripts[cache] = cache._cache.get_client(write=True).register_script(
            _SLIDING_WINDOW
        )
    return script


class ScopedRateThrottleWithFallback(ScopedRateThrottle):
    def allow_request(self, request, view) -> bool:
        global _shared_down_until
        if time.monotonic() >= _shared_down_until:
            try:
                script = _window_script(caches["default"])
                if script is None:
                    return super().allow_request(request, view)
                return self._allow_on_redis(script, request, view)
            except (RedisError, OSError):
                _shared_down_until = time.monotonic() + FALLBACK_SECONDS
                logger.warning(
                    "rate limit cache unreachable: counting %s in this process for %.0f s",
                    self.scope,
                    FALLBACK_SECONDS,
                    exc_info=True,
                )
        self.cache = _local_cache
        return super().allow_request(request, view)

    def _allow_on_redis(self, script, request, view) -> bool:
        self.window = None
        # What ScopedRateThrottle.allow_request sets up before counting.
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)  # type: ignore[misc]
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        allowed, count, oldest = script(
            keys=[self.key],
            args=[repr(self.now), self.duration, self.num_requests, uuid.uuid4().hex],
        )
        self.window = (int(count), float(oldest))
        return bool(allowed)

    def wait(self):
        window: tuple[int, float] | None = getattr(self, "window", None)
        if window is None:
            return super().wait()
        # SimpleRateThrottle.wait with the count and oldest time the script returned.
        count, oldest = window
        remaining = self.duration - (self.now - oldest) if count else self.duration
        available = self.num_requests - count + 1
        return None if available <= 0 else remaining / float(available)
