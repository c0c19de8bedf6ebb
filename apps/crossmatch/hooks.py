"""Work the apps above crossmatch do when matches are made.

`services.reports_match` saves new matches (and links that earlier pairs gained) and calls these hooks in the same
transaction; alerts registers the one that tells the officers concerned
(`AlertsConfig.ready`), so crossmatch imports nothing above it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .models import Match


@dataclass(frozen=True, slots=True)
class MatchMade:
    """A pair of reports matched in this transaction: new, or an earlier pair that gained
    links. When `told` names anyone, `match.report_a`/`report_b` carry their details and
    `match.links` is prefetched."""

    match: Match
    created: bool
    #: ids of the reports whose officers get alerts: both, or the live side of a pair with
    #: an imported report (the import's analyst gets the run's summary instead)
    told: tuple[int, ...]


MatchesMadeHook = Callable[[list[MatchMade]], None]
_matches_made: dict[str, MatchesMadeHook] = {}


def on_matches_made(name: str, hook: MatchesMadeHook) -> None:
    """Register `hook` under `name` (registering a name again replaces it)."""
    _matches_made[name] = hook


def matches_made(matches: list[MatchMade]) -> None:
    if matches:
        for hook in _matches_made.values():
            hook(matches)
