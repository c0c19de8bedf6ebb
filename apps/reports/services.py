"""The one write path for reports: validate, save in one transaction, publish on commit."""

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from apps.accounts.models import Officer
from apps.core.access import Invalid, Refused
from apps.operations.models import Room
from apps.operations.selectors import officer_is_room_member

from . import events, hooks
from .extract import extract_from_report
from .inputs import parse_report
from .models import Parcel, Party, PartyRole, Report, ReportRecipient, Seizure, Selector
from .selectors import report_access, reports_visible_to, with_details

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
    return with_details(Report.objects.filter(author=author, client_id=client_id)).first()


def _replay(existing: Report, room: Room) -> ReportPosted:
    if existing.room_id != room.pk:
        raise ReportInvalid(
            {"client_id": [f"Already used for report {existing.pk} in another room."]}
        )
    return ReportPosted(existing, created=False)


def report_create(*, room: Room, author: Officer, data: object, origin: str = "") -> ReportPosted:
    """Post a report into `room` as `author`.

    Idempotent by (author, client_id): posting the same client_id again
    returns the report saved the first time. Identity, agency, country and
    time come from the server, never from `data`.
    """
    if not author.is_active or not author.agency_id:
        raise ReportRefused("forbidden", "This account cannot post reports.")
    if not officer_is_room_member(author, room):
        raise ReportRefused("not_member", "Your agency is not a member of this room.")

    parsed, errors = parse_report(data)
    if parsed is None or errors:
        raise ReportInvalid(errors)
    existing = _existing(author, parsed["client_id"])
    if existing is not None:
        # A retry writes nothing, so it is answered even once the operation is closed.
        return _replay(existing, room)
    if room.operation.is_closed:
        raise ReportRefused("operation_closed", "The operation is closed; it is read-only.")

    country = author.agency.country_id if author.agency else None
    assert isinstance(data, dict)  # parse_report refused anything else
    selectors, selector_errors = extract_from_report(data, default_region=country)
    errors.update({path: [message] for path, message in selector_errors.items()})
    recipients = _recipients(parsed["recipients"], room, errors)
    amends = _amended(parsed["amends"], room, author, errors)
    if errors:
        raise ReportInvalid(errors)

    try:
        with transaction.atomic():
            report = _save(room, author, parsed, selectors, recipients, amends)
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


def _save(room, author, parsed, selectors, recipients, amends) -> Report:
    # The room row lock hands out seq numbers one at a time, without gaps.
    locked = Room.objects.select_for_update().get(pk=room.pk)
    locked.last_seq += 1
    locked.save(update_fields=["last_seq"])
    location = parsed["location"] or {}
    report = Report.objects.create(
        room=locked,
        seq=locked.last_seq,
        client_id=parsed["client_id"],
        author=author,
        agency_id=author.agency_id,
        country_id=author.agency.country_id,
        kind=parsed["kind"],
        handling=parsed["handling"],
        body=parsed["body"],
        occurred_at=parsed["occurred_at"],
        location_name=location.get("name", ""),
        location_country_id=location.get("country"),
        site_type=location.get("site_type", ""),
        lat=location.get("lat"),
        lon=location.get("lon"),
        checks_count=parsed["checks_count"],
        outcome=parsed["outcome"],
        amends=amends,
    )
    seizures = Seizure.objects.bulk_create(
        Seizure(report=report, **line) for line in parsed["seizures"]
    )
    parties: list[Party] = []
    parcel_data = parsed["parcel"]
    if parcel_data:
        sender, recipient = parcel_data.pop("sender", None), parcel_data.pop("recipient", None)
        parcel_data["origin_country_id"] = parcel_data.pop("origin_country", None)
        parcel_data["destination_country_id"] = parcel_data.pop("destination_country", None)
        Parcel.objects.create(report=report, **parcel_data)
        for role, party in ((PartyRole.SENDER, sender), (PartyRole.RECIPIENT, recipient)):
            if party:
                parties.append(Party(report=report, role=role, position=0, **party))
    for position, person in enumerate(parsed["people"]):
        parties.append(Party(report=report, role=PartyRole.PERSON, position=position, **person))
    Party.objects.bulk_create(parties)
    Selector.objects.bulk_create(
        Selector(
            report=report,
            type=s.type,
            value=s.value[:500],
            normalised=s.normalised[:500],
            source=s.source[:60],
        )
        for s in selectors
    )
    ReportRecipient.objects.bulk_create(
        ReportRecipient(report=report, officer=officer) for officer in recipients
    )
    report = with_details(Report.objects.filter(pk=report.pk)).get()
    # The name index, the running totals, indicator effectiveness and the
    # matching task: the apps above register them (see hooks.py), and they run
    # in this transaction, so two reports matched at the same time always find
    # each other from one side or the other.
    events.report_created_on_commit(report, report_access(report))
    hooks.report_saved(hooks.SavedReport(report, parties, list(seizures)))
    return report


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
