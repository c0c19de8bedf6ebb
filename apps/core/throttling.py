"""REST rate limits that never fail a write because the shared cache is away.

The limits are counted in the default cache (Redis when REDIS_URL is set), so
they hold across server processes. When Redis cannot be reached the request
is counted in a per-process memory cache instead (a looser limit: one per
process), logged, and Redis is tried again after FALLBACK_SECONDS. Persist
first: a report is never refused because a counter could not be kept.
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import RedisError
from rest_framework.throttling import ScopedRateThrottle

logger = logging.getLogger(__name__)
FALLBACK_SECONDS = 5.0

_local_cache = LocMemCache("throttle-fallback", {})
_shared_down_until = 0.0


class ScopedRateThrottleWithFallback(ScopedRateThrottle):
    def allow_request(self, request, view) -> bool:
        global _shared_down_until
        if time.monotonic() >= _shared_down_until:
            try:
                return super().allow_request(request, view)
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
