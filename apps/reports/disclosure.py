"""What may leave the server about reports: the one module every outward payload passes.

`visibility` decides who may read a report. This module applies that decision
to everything derived from reports before it leaves the server: report payloads
and their stubs, matches and the alerts that carry them, score explanations and
their evidence, import matches, dashboard totals and deltas. The rule is the
same everywhere: of a report the viewer may not read, nothing beyond hit/no-hit
(that a report exists, its owning agency and country, its handling code).

- A match value is shown only when the viewer may read the report it comes from.
  An exact value stands in both reports; a fuzzy person match has a name on each
  side, and the viewer sees only the side(s) they may read.
- Reasons and scores of a match quote both sides, so they are shown only when
  the viewer may read both reports; otherwise a reason that says no more than
  hit/no-hit.
- Running totals are kept per room and audience (`count_audience`): a viewer's
  totals add up only the audiences they may read in full. Red reports count only
  for the operation's coordinators (named recipients may read a red report, but
  a total per recipient list would not be a running total), so a total never
  says more than the reports the viewer may read.
"""

from dataclasses import dataclass
from typing import Any, Protocol

from apps.core.formats import iso

from .models import Report
from .payloads import report_payload, report_stub
from .selectors import report_access
from .visibility import OPEN_TO_OPERATION, OPEN_TO_ROOM, ReportAccess, Viewer, may_read

HIDDEN = "A report you may not read matches."


def readable(viewer: Viewer, report: Report) -> bool:
    return may_read(viewer, report_access(report))


# ---------------------------------------------------------------- reports


def report_for(viewer: Viewer, report: Report) -> dict:
    """The whole report if the viewer may read it, else its hit/no-hit stub."""
    return report_payload(report) if readable(viewer, report) else report_stub(report)


def report_brief(report: Report) -> dict:
    """A short line about a readable report (import matches, evidence lists)."""
    return {
        "id": report.pk,
        "room": report.room_id,
        "seq": report.seq,
        "kind": report.kind,
        "handling": report.handling,
        "agency": report.agency.name,
        "country": report.country_id,
        "author": report.author.username,
        "occurred_at": iso(report.occurred_at),
    }


def report_event_for(viewer: Viewer, access: ReportAccess, payload: dict) -> dict | None:
    """A `report.created` payload for one socket: the report, or nothing at all.

    A room socket shows what its officer may read; an unreadable report is not
    announced there (its seq is simply skipped).
    """
    return payload if may_read(viewer, access) else None


# ---------------------------------------------------------------- matches


class LinkLike(Protocol):
    kind: str
    selector_type: str
    value: str
    value_b: str
    score: float
    reasons: list


class MatchLike(Protocol):
    pk: int
    kind: str
    score: float
    report_a: Report
    report_b: Report

    @property
    def links(self) -> Any: ...  # a related manager: links.all() -> LinkLike rows


def _link_for(link: LinkLike, reports: tuple[Report, Report], ok: tuple[bool, ...]) -> dict:
    """One shared selector or name of a pair, as the viewer may see it."""
    sides = (link.value, link.value if link.kind == "exact" else link.value_b)
    values = [value if shown and value else None for value, shown in zip(sides, ok, strict=True)]
    if all(ok):
        reasons, score = list(link.reasons), round(link.score, 3)
    elif any(ok):
        own = reports[0] if ok[0] else reports[1]
        other = reports[1] if ok[0] else reports[0]
        what = link.selector_type.replace("_", " ")
        if link.kind == "exact":
            reasons = [f"same {what} in a report held by {other.agency.name} ({other.country_id})"]
        else:
            mine = values[0] if ok[0] else values[1]
            reasons = [
                f"a {what} like {mine!r} of your report {own.pk} in a report held by "
                f"{other.agency.name} ({other.country_id})"
            ]
        score = None
    else:
        reasons, score = [HIDDEN], None
    return {
        "type": link.selector_type,
        "kind": link.kind,
        "value": next((v for v in values if v), None),
        "values": values,
        "score": score,
        "reasons": reasons,
    }


def match_for(viewer: Viewer, match: MatchLike, *, brief: bool = False) -> dict:
    """A pair of matched reports as `viewer` may see it.

    Every selector and name the pair shares (`selectors`, strongest first) shows its
    values only from readable sides, its reasons and score only when both sides are
    readable. `selector`, `values` and `reasons` repeat the strongest one's, and all
    the reasons, for clients that show one line.
    """
    reports = (match.report_a, match.report_b)
    ok = tuple(readable(viewer, r) for r in reports)
    selectors = [_link_for(link, reports, ok) for link in match.links.all()]
    strongest = selectors[0] if selectors else {"type": "", "value": None, "values": [None, None]}
    reasons = list(dict.fromkeys(r for s in selectors for r in s["reasons"]))
    shown_reports = [
        (report_brief(r) if brief else report_payload(r)) if can else report_stub(r)
        for r, can in zip(reports, ok, strict=True)
    ]
    return {
        "id": match.pk,
        "kind": match.kind,
        "score": round(match.score, 3) if all(ok) else None,
        "selector": {"type": strongest["type"], "value": strongest["value"]},
        "values": strongest["values"],
        "reasons": reasons,
        "selectors": selectors,
        "reports": shown_reports,
    }


def rooms_shown(match: MatchLike, shown: dict) -> list[dict]:
    """The rooms of the reports `shown` (match_for's output) shows in full, as {id, name},
    so a reference reads "Balkan route #3"; a stub's room is not said."""
    full = {r["id"]: r["room"] for r in shown["reports"] if "room" in r}
    rooms = {
        report.room_id: report.room.name
        for report in (match.report_a, match.report_b)
        if full.get(report.pk) == report.room_id
    }
    return [{"id": pk, "name": name} for pk, name in sorted(rooms.items())]


# --------------------------------------------------------------- evidence


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """An earlier report behind a score, with what it showed (a name, a score)."""

    report_id: int
    kind: str
    agency: str
    country: str
    handling: str
    room_id: int
    seq: int
    occurred_at: object
    details: dict


def evidence_for(row: EvidenceRow, *, is_readable: bool) -> dict:
    """Evidence as the caller may see it: the details of readable reports, else hit/no-hit."""
    stub = {
        "id": row.report_id,
        "agency": row.agency,
        "country": row.country,
        "handling": row.handling,
        "readable": is_readable,
    }
    if is_readable:
        stub.update(kind=row.kind, room=row.room_id, seq=row.seq, occurred_at=iso(row.occurred_at))
        stub.update(row.details)
    return stub


# ----------------------------------------------------------------- totals

# Who a report's contribution to the running totals is counted for.
AUDIENCE_OPERATION = "operation"  # any participant of the operation
AUDIENCE_ROOM = "room"  # the room's members
AUDIENCE_COORDINATORS = "coordinators"  # the operation's coordinators only
AUDIENCES = (AUDIENCE_OPERATION, AUDIENCE_ROOM, AUDIENCE_COORDINATORS)


def count_audience(handling: str) -> str:
    if handling in OPEN_TO_OPERATION:
        return AUDIENCE_OPERATION
    if handling in OPEN_TO_ROOM:
        return AUDIENCE_ROOM
    return AUDIENCE_COORDINATORS


@dataclass(frozen=True, slots=True)
class CountScope:
    """Which running totals of one operation a viewer may add up."""

    operation: bool
    room_ids: frozenset[int]
    coordinators: bool

    def sees(self, room_id: int, audience: str) -> bool:
        if audience == AUDIENCE_OPERATION:
            return self.operation
        if audience == AUDIENCE_ROOM:
            return self.operation and room_id in self.room_ids
        if audience == AUDIENCE_COORDINATORS:
            return self.coordinators
        return False


def count_scope(viewer: Viewer, operation_id: int) -> CountScope:
    taking_part = viewer.is_active and operation_id in viewer.operation_ids
    return CountScope(
        operation=taking_part,
        room_ids=viewer.room_ids if taking_part else frozenset(),
        coordinators=taking_part and operation_id in viewer.coordinated_operation_ids,
    )
