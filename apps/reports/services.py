"""Posting a report: check it, then store it through the one write path (write.py)."""

import logging
from dataclasses import dataclass

from django.db import IntegrityError

from apps.accounts.models import Officer
from apps.core.access import Invalid, Refused
from apps.operations.models import Room
from apps.operations.selectors import officer_is_room_member

from .extract import extract_from_report
from .inputs import parse_report
from .models import Report
from .selectors import reports_visible_to, with_details
from .write import POST, Draft, reports_write

audit = logging.getLogger("commandcentre.audit")


class ReportInvalid(Invalid):
    """The report is malformed; `errors` maps field paths to messages."""

    message = "The report has errors."


class ReportRefused(Refused):
    """The author may not post here; `code` says why (forbidden, not_member, operation_closed)."""


@dataclass(frozen=True)
class ReportPosted:
    report: Report
    created: bool


def _existing(author: Officer, client_id) -> Report | None:
    # Ask for the id alone, and read the details only if there is one.
    found = (
        Report.objects.filter(author=author, client_id=client_id)
        .values_list("pk", flat=True)
        .first()
    )
    return None if found is None else with_details(Report.objects.filter(pk=found)).get()


def _replay(existing: Report, room: Room) -> ReportPosted:
    if existing.room_id != room.pk:
        raise ReportInvalid(
            {"client_id": [f"Already used for report {existing.pk} in another room."]}
        )
    return ReportPosted(existing, created=False)


def _replay_or_refuse(author: Officer, client_id, room: Room, refusal: Exception) -> ReportPosted:
    existing = _existing(author, client_id)
    if existing is None:
        raise refusal
    return _replay(existing, room)


def report_create(
    *, room: Room, author: Officer, data: object, origin: str = "", just_entered: bool = False
) -> ReportPosted:
    """Post a report into `room` as `author`.

    Idempotent by (author, client_id): posting the same client_id again
    returns the report saved the first time. Identity, agency, country and
    time come from the server, never from `data`. `just_entered`: `room` comes
    from `access_room_by_id` for `author` in this same request, which checked
    the membership a moment ago (see `officer_is_room_member`).
    """
    if not author.is_active or not author.agency_id:
        raise ReportRefused("forbidden", "This account cannot post reports.")
    if not officer_is_room_member(author, room, just_entered=just_entered):
        raise ReportRefused("not_member", "Your agency is not a member of this room.")

    parsed, errors = parse_report(data)
    if parsed is None or errors:
        raise ReportInvalid(errors)
    # Most posts are new: a retry is not looked for up front but recognised by the
    # unique (author, client_id) when its insert fails, or before any refusal below,
    # since a retry writes nothing and is answered as it was the first time (even
    # once the operation is closed).
    if room.operation.is_closed:
        return _replay_or_refuse(
            author,
            parsed["client_id"],
            room,
            ReportRefused("operation_closed", "The operation is closed; it is read-only."),
        )

    agency = author.agency
    assert agency is not None  # checked above
    country = agency.country_id
    assert isinstance(data, dict)  # parse_report refused anything else
    selectors, selector_errors = extract_from_report(data, default_region=country)
    errors.update({path: [message] for path, message in selector_errors.items()})
    recipients = _recipients(parsed["recipients"], room, errors)
    amends = _amended(parsed["amends"], room, author, errors)
    if errors:
        return _replay_or_refuse(author, parsed["client_id"], room, ReportInvalid(errors))

    try:
        draft = Draft(
            client_id=parsed["client_id"],
            author_id=author.pk,
            agency_id=author.agency_id,
            country_id=country,
            parsed=parsed,
            selectors=selectors,
            recipient_ids=[officer.pk for officer in recipients],
            amends_id=amends.pk if amends is not None else None,
            author=author,
        )
        [report] = reports_write(room, [draft], POST).reports
    except IntegrityError:
        # The same client_id raced in from another connection: that one won.
        existing = _existing(author, parsed["client_id"])
        if existing is None:
            raise
        return _replay(existing, room)
    audit.info(
        "write report=%s room=%s seq=%s by=%s from=%s",
        report.pk,
        room.pk,
        report.seq,
        author.username,
        origin or "-",
    )
    return ReportPosted(report, created=True)


def _recipients(usernames: list[str], room: Room, errors: dict) -> list[Officer]:
    if not usernames:
        return []
    # One query: active officers of agencies taking part in the room's operation.
    found = {
        o.username: o
        for o in Officer.objects.filter(
            username__in=usernames,
            is_active=True,
            agency__participations__operation_id=room.operation_id,
        ).select_related("agency")
    }
    officers = []
    for index, name in enumerate(usernames):
        officer = found.get(name)
        if officer is None:
            errors[f"recipients[{index}]"] = [f"No officer {name!r} takes part in this operation."]
        elif officer not in officers:
            officers.append(officer)
    return officers


def _amended(report_id: int | None, room: Room, author: Officer, errors: dict) -> Report | None:
    if report_id is None:
        return None
    amended = reports_visible_to(author).filter(pk=report_id, room=room).first()
    if amended is None:
        errors["amends"] = [f"No report {report_id} that you may read in this room."]
    return amended
