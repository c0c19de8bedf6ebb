"""Work the apps above reports do when reports are written.

The write path stays on its floor: `write.reports_write` stores a batch of reports
(a live post is a batch of one) and then calls the hooks registered here, inside its
transaction, with what it stored. Each higher app registers its own in its
`AppConfig.ready()` (crossmatch: the name index and the matching tasks; dashboard: the
running totals; intel: indicator effectiveness), so reports imports nothing above it.
Hooks read plain rows, not model instances: an import's thousand reports cost no
queries to describe.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

Storage = Literal["insert", "copy"]

#: The report columns a hook may read (see StoredReport).
REPORT_FIELDS = (
    "id",
    "room_id",
    "seq",
    "author_id",
    "agency_id",
    "country_id",
    "kind",
    "handling",
    "checks_count",
    "outcome",
    "created_at",
)


@dataclass(frozen=True, slots=True)
class StoredSeizure:
    category: str
    quantity: int


@dataclass(frozen=True, slots=True)
class StoredParty:
    id: int
    role: str
    name: str
    date_of_birth: date | None
    address: str
    company: str

    @classmethod
    def of(cls, row: dict[str, Any]) -> "StoredParty":
        return cls(
            id=row["id"],
            role=row["role"],
            name=row.get("name", ""),
            date_of_birth=row.get("date_of_birth"),
            address=row.get("address", ""),
            company=row.get("company", ""),
        )


@dataclass(frozen=True, slots=True)
class StoredReport:
    """A report just stored, as the hooks read it."""

    id: int
    room_id: int
    seq: int
    author_id: int
    agency_id: int
    country_id: str
    kind: str
    handling: str
    checks_count: int | None
    outcome: str
    created_at: datetime
    seizures: list[StoredSeizure]
    tracking_number: str
    parties: list[StoredParty]
    #: blocking keys per party when made ahead (see write.Draft.party_keys)
    party_keys: list[list[tuple[str, str]]] | None


@dataclass(frozen=True, slots=True)
class SavedBatch:
    """Reports just stored in one room, in the open transaction."""

    operation_id: int
    room_id: int
    reports: list[StoredReport]
    #: the batch's storage backend ("insert" or "copy"), for hooks that write rows in bulk
    storage: Storage
    #: enqueue a matching task per report once committed (live posts); an import
    #: matches its batches itself
    match_each: bool


ReportsSavedHook = Callable[[SavedBatch], None]
_reports_saved: dict[str, ReportsSavedHook] = {}


def on_reports_saved(name: str, hook: ReportsSavedHook) -> None:
    """Register `hook` under `name` (registering a name again replaces it)."""
    _reports_saved[name] = hook


def reports_saved(batch: SavedBatch) -> None:
    """Run every registered hook, in registration order (INSTALLED_APPS order)."""
    for hook in _reports_saved.values():
        hook(batch)


def registered() -> list[str]:
    return list(_reports_saved)
