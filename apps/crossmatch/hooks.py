"""Work the apps above crossmatch do when matches are made.

`services.report_match` saves new matches and calls these hooks in the same
transaction; alerts registers the one that tells the officers concerned
(`AlertsConfig.ready`), so crossmatch imports nothing above it.
"""

from collections.abc import Callable

from .models import Match

MatchesMadeHook = Callable[[list[Match]], None]
_matches_made: dict[str, MatchesMadeHook] = {}


def on_matches_made(name: str, hook: MatchesMadeHook) -> None:
    """Register `hook` under `name` (registering a name again replaces it)."""
    _matches_made[name] = hook


def matches_made(matches: list[Match]) -> None:
    if matches:
        for hook in _matches_made.values():
            hook(matches)
