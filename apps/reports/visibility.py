"""The one place that decides who may read, forward and export a report.

The rule (DESIGN.md, Security): a reader must take part in the report's
operation; then by handling code
  clear, green         any participant of the operation
  amber, amber+strict  members of the report's room
  red                  the author's named recipients and the coordinators of
                       the report's operation (never of another operation)
and an author may always read what they wrote. amber+strict and red are
never forwarded or exported.

The rule exists twice in one file on purpose: as a queryset filter for reads
from the database and as a predicate for events fanned out to open sockets,
where a query per socket per event would be far too slow. A test checks that
both agree on every combination.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from .models import Handling, ReportRecipient

OPEN_TO_OPERATION = (Handling.CLEAR, Handling.GREEN)
OPEN_TO_ROOM = (Handling.AMBER, Handling.AMBER_STRICT)
NEVER_EXPORTED = (Handling.AMBER_STRICT, Handling.RED)


@dataclass(frozen=True, slots=True)
class Viewer:
    """What the rule needs to know about the officer who reads."""

    officer_id: int
    agency_id: int | None
    operation_ids: frozenset[int]
    room_ids: frozenset[int]
    # Operations this officer coordinates: a role in an operation, not of the account.
    coordinated_operation_ids: frozenset[int] = frozenset()
    # An inactive account reads nothing, not even what it wrote.
    is_active: bool = True


@dataclass(frozen=True, slots=True)
class ReportAccess:
    """What the rule needs to know about the report being read."""

    report_id: int
    author_id: int
    operation_id: int
    room_id: int
    handling: str
    recipient_ids: frozenset[int]

    def as_dict(self) -> dict:
        return {
            "report_id": self.report_id,
            "author_id": self.author_id,
            "operation_id": self.operation_id,
            "room_id": self.room_id,
            "handling": self.handling,
            "recipient_ids": sorted(self.recipient_ids),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "ReportAccess":
        return cls(
            report_id=data["report_id"],
            author_id=data["author_id"],
            operation_id=data["operation_id"],
            room_id=data["room_id"],
            handling=data["handling"],
            recipient_ids=frozenset(data["recipient_ids"]),
        )


def may_read(viewer: Viewer, report: ReportAccess) -> bool:
    if not viewer.is_active:
        return False
    if report.author_id == viewer.officer_id:
        return True
    if report.operation_id not in viewer.operation_ids:
        return False
    if report.handling in OPEN_TO_OPERATION:
        return True
    if report.handling in OPEN_TO_ROOM:
        return report.room_id in viewer.room_ids
    if report.handling == Handling.RED:
        return (
            report.operation_id in viewer.coordinated_operation_ids
            or viewer.officer_id in report.recipient_ids
        )
    return False


def may_export(viewer: Viewer, report: ReportAccess) -> bool:
    """Export and forwarding: readable, and not amber+strict or red."""
    return report.handling not in NEVER_EXPORTED and may_read(viewer, report)


def readable_q(viewer: Viewer) -> Q:
    """The same rule as `may_read`, as a filter on Report."""
    if not viewer.is_active:
        return Q(pk__in=[])
    in_operation = Q(room__operation_id__in=viewer.operation_ids)
    named_recipient = Exists(
        ReportRecipient.objects.filter(report=OuterRef("pk"), officer_id=viewer.officer_id)
    )
    coordinated = Q(room__operation_id__in=viewer.coordinated_operation_ids)
    red = Q(handling=Handling.RED) & (coordinated | named_recipient)
    return Q(author_id=viewer.officer_id) | (
        in_operation
        & (
            Q(handling__in=OPEN_TO_OPERATION)
            | Q(handling__in=OPEN_TO_ROOM, room_id__in=viewer.room_ids)
            | red
        )
    )


def exportable_q(viewer: Viewer) -> Q:
    return readable_q(viewer) & ~Q(handling__in=NEVER_EXPORTED)
