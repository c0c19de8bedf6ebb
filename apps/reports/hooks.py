"""Work the apps above reports do when a report is written.

The write path stays on its floor: `services.report_create` saves a report and
then calls the hooks registered here, inside its transaction. Each higher app
registers its own in its `AppConfig.ready()` (crossmatch: the name index and
the matching task; dashboard: the running totals; intel: indicator
effectiveness), so reports imports nothing above it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .models import Party, Report, Seizure


@dataclass(frozen=True, slots=True)
class SavedReport:
    """A report just saved, in the open transaction: `report` has its details prefetched."""

    report: Report
    parties: list[Party]
    seizures: list[Seizure]


ReportSavedHook = Callable[[SavedReport], None]
_report_saved: dict[str, ReportSavedHook] = {}


def on_report_saved(name: str, hook: ReportSavedHook) -> None:
    """Register `hook` under `name` (registering a name again replaces it)."""
    _report_saved[name] = hook


def report_saved(saved: SavedReport) -> None:
    """Run every registered hook, in registration order (INSTALLED_APPS order)."""
    for hook in _report_saved.values():
        hook(saved)


def registered() -> list[str]:
    return list(_report_saved)
