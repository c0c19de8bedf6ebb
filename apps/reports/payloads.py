"""A report as clients see it, the same over REST and WebSocket."""

from apps.core.formats import iso

from .models import Party, PartyRole, Report


def _party(party: Party | None) -> dict | None:
    if party is None:
        return None
    return {
        "name": party.name,
        "date_of_birth": party.date_of_birth.isoformat() if party.date_of_birth else None,
        "address": party.address,
        "phone": party.phone,
        "email": party.email,
        "company": party.company,
    }


def report_payload(report: Report) -> dict:
    """Expects `with_details()` prefetching, or costs a query per relation."""
    parties = list(report.parties.all())
    by_role = {p.role: p for p in parties if p.role != PartyRole.PERSON}
    try:
        parcel = report.parcel
    except Report.parcel.RelatedObjectDoesNotExist:
        parcel = None
    return {
        "id": report.pk,
        "room": report.room_id,
        "operation": report.room.operation_id,
        "seq": report.seq,
        "client_id": str(report.client_id),
        "kind": report.kind,
        "handling": report.handling,
        "created_at": iso(report.created_at),
        "occurred_at": iso(report.occurred_at),
        "author": report.author.username,
        "agency": {"id": report.agency_id, "name": report.agency.name, "kind": report.agency.kind},
        "country": report.country_id,
        "body": report.body,
        "location": {
            "name": report.location_name,
            "country": report.location_country_id,
            "site_type": report.site_type,
            "lat": report.lat,
            "lon": report.lon,
        },
        "checks_count": report.checks_count,
        "outcome": report.outcome,
        "seizures": [
            {"category": s.category, "quantity": s.quantity, "description": s.description}
            for s in report.seizures.all()
        ],
        "parcel": None
        if parcel is None
        else {
            "tracking_number": parcel.tracking_number,
            "carrier": parcel.carrier,
            "origin_country": parcel.origin_country_id,
            "destination_country": parcel.destination_country_id,
            "declared_content": parcel.declared_content,
            "weight_g": parcel.weight_g,
            "sender": _party(by_role.get(PartyRole.SENDER)),
            "recipient": _party(by_role.get(PartyRole.RECIPIENT)),
        },
        "people": [_party(p) for p in parties if p.role == PartyRole.PERSON],
        "selectors": [
            {"type": s.type, "value": s.value, "normalised": s.normalised, "source": s.source}
            for s in report.selectors.all()
        ],
        "recipients": sorted(r.username for r in report.recipients.all()),
        "amends": report.amends_id,
    }


def report_stub(report: Report) -> dict:
    """What may be said of a report its reader may not read (hit/no-hit)."""
    return {
        "id": report.pk,
        "agency": report.agency.name,
        "country": report.country_id,
        "handling": report.handling,
    }
