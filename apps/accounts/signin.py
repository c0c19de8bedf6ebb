"""Brute-force protection for signing in, per account and per client address.

Every failed sign-in counts against the account named and against the address
it came from, in a window of SIGNIN_FAILURE_WINDOW_SECONDS. Once either count
reaches its limit (SIGNIN_MAX_FAILURES_PER_ACCOUNT, SIGNIN_MAX_FAILURES_PER_ADDRESS)
that account, or that address, is locked for SIGNIN_LOCK_SECONDS: every attempt
is refused before the password is even looked at, the right one too. A success
clears the account's count, never the address's (one good account must not
reset the count of an address that is guessing others).

The counts live in the cache: in-process on the embedded default, Redis when
REDIS_URL is set (shared by every server process). If the cache cannot be
reached the check lets the attempt through, with a warning: sign-in stays
possible while Redis restarts, and the password is still checked.
"""

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

audit = logging.getLogger("commandcentre.audit")
logger = logging.getLogger(__name__)

# Set on the request by the authentication backend when it refused a locked sign-in.
LOCKED_ATTR = "signin_locked_seconds"
KEY_PREFIX = "signin"


@dataclass(frozen=True)
class _Scope:
    name: str  # "account" or "address"
    label: str  # what the audit line names
    key: str
    limit: int


def _scopes(username: str, address: str) -> list[_Scope]:
    # Usernames are hashed (any text may be typed there) and case-folded, so
    # "GR.Customs" and "gr.customs" count as one account.
    digest = hashlib.sha256(username.casefold().encode()).hexdigest()[:32]
    scopes = [
        _Scope("account", repr(username[:150]), f"{KEY_PREFIX}:account:{digest}",
               settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT),
    ]  # fmt: skip
    if address:
        scopes.append(
            _Scope("address", address, f"{KEY_PREFIX}:address:{address}",
                   settings.SIGNIN_MAX_FAILURES_PER_ADDRESS)
        )  # fmt: skip
    return scopes


def signin_locked_for(*, username: str, address: str) -> int:
    """Seconds until this account and this address may try again; 0 when both may.

    A refusal is written to the audit log.
    """
    scopes = _scopes(username, address)
    try:
        until = cache.get_many([f"{scope.key}:locked" for scope in scopes])
    except Exception:
        logger.warning("sign-in lock check failed; letting the attempt through", exc_info=True)
        return 0
    remaining = max((stamp - time.time() for stamp in until.values()), default=0.0)
    if remaining <= 0:
        return 0
    audit.warning(
        "signin refused locked account=%s from=%s retry_after=%ss",
        scopes[0].label, address or "-", math.ceil(remaining),
    )  # fmt: skip
    return math.ceil(remaining)


def _count_failure(key: str) -> int:
    window = settings.SIGNIN_FAILURE_WINDOW_SECONDS
    cache.add(key, 0, timeout=window)  # the window starts at the first failure
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def signin_failed(*, username: str, address: str) -> None:
    """Count a failed sign-in; lock the account or the address that reached its limit."""
    scopes = _scopes(username, address)
    audit.warning("signin failed account=%s from=%s", scopes[0].label, address or "-")
    lock_seconds = settings.SIGNIN_LOCK_SECONDS
    for scope in scopes:
        try:
            failures = _count_failure(scope.key)
            if failures < scope.limit:
                continue
            cache.set(f"{scope.key}:locked", time.time() + lock_seconds, timeout=lock_seconds)
            cache.delete(scope.key)  # after the lock, a fresh window
        except Exception:
            logger.warning("could not count a failed sign-in", exc_info=True)
            continue
        audit.warning(
            "signin locked %s=%s failures=%s window=%ss lock=%ss",
            scope.name, scope.label, failures, settings.SIGNIN_FAILURE_WINDOW_SECONDS,
            lock_seconds,
        )  # fmt: skip


def signin_succeeded(*, username: str, address: str) -> None:
    """A good password: forget the account's failures (the address's stay)."""
    try:
        cache.delete(_scopes(username, address)[0].key)
    except Exception:
        logger.warning("could not clear the failed sign-ins of an account", exc_info=True)
