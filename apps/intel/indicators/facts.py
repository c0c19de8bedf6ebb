"""The facts of one parcel that rules look at, the earlier reports found for it, what fired."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apps.reports.extract import ExtractedSelector


@dataclass(slots=True)
class Person:
    role: str  # sender or recipient
    name: str
    date_of_birth: Any  # date | None
    keys: frozenset[str] = frozenset()


@dataclass(slots=True)
class ParcelFacts:
    """What the rules look at, worked out once per parcel."""

    tracking_number: str  # normalised, "" if none or invalid
    origin: str | None
    destination: str | None
    carrier: str  # folded
    content: str  # folded declared content
    notes: str  # folded free text (notes)
    weight_g: int | None
    selectors: list[ExtractedSelector]
    people: list[Person]
    email_domains: list[str]


@dataclass(slots=True)
class Evidence:
    """Earlier reports found for one parcel: by selector and by person."""

    by_selector: dict[tuple[str, str], list[tuple[int, str]]] = field(default_factory=dict)
    # (role, name) -> [(report_id, kind, score, earlier name)]
    by_person: dict[tuple[str, str], list[tuple[int, str, float, str]]] = field(
        default_factory=dict
    )


@dataclass(slots=True)
class Fired:
    indicator_id: int
    # Reasons say only what the caller sent or may know anyway (its own parcel's
    # values, how many earlier reports); what an earlier report holds goes in
    # `details`, which the disclosure module shows only to those who may read it.
    reasons: list[str]
    report_ids: list[int] = field(default_factory=list)
    details: dict[int, dict] = field(default_factory=dict)
