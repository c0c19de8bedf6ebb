"""The REST edge's description of reports, for the OpenAPI schema.

Responses are built by payloads.report_payload (shared with the sockets);
these classes document that shape, and a test keeps the two in step.
"""

from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from apps.core.schema import ClosedSerializer

from .inputs import ReportInput


class PartyOut(serializers.Serializer):
    name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    address = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    company = serializers.CharField()


class LocationOut(serializers.Serializer):
    name = serializers.CharField()
    country = serializers.CharField(allow_null=True)
    site_type = serializers.CharField()
    lat = serializers.FloatField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)


class SeizureOut(serializers.Serializer):
    category = serializers.CharField()
    quantity = serializers.IntegerField()
    description = serializers.CharField()


class ParcelOut(serializers.Serializer):
    tracking_number = serializers.CharField()
    carrier = serializers.CharField()
    origin_country = serializers.CharField(allow_null=True)
    destination_country = serializers.CharField(allow_null=True)
    declared_content = serializers.CharField()
    weight_g = serializers.IntegerField(allow_null=True)
    sender = PartyOut(allow_null=True)
    recipient = PartyOut(allow_null=True)


class SelectorOut(serializers.Serializer):
    type = serializers.CharField()
    value = serializers.CharField()
    normalised = serializers.CharField()
    source = serializers.CharField()


class AgencyOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()


class ReportOut(serializers.Serializer):
    id = serializers.IntegerField()
    room = serializers.IntegerField()
    operation = serializers.IntegerField()
    seq = serializers.IntegerField()
    client_id = serializers.UUIDField()
    kind = serializers.CharField()
    handling = serializers.CharField()
    created_at = serializers.DateTimeField()
    occurred_at = serializers.DateTimeField(allow_null=True)
    author = serializers.CharField()
    agency = AgencyOut()
    country = serializers.CharField()
    body = serializers.CharField()
    location = LocationOut()
    checks_count = serializers.IntegerField(allow_null=True)
    outcome = serializers.CharField()
    seizures = SeizureOut(many=True)
    parcel = ParcelOut(allow_null=True)
    people = PartyOut(many=True)
    selectors = SelectorOut(many=True)
    recipients = serializers.ListField(child=serializers.CharField())
    amends = serializers.IntegerField(allow_null=True)


class ReportStubOut(ClosedSerializer):
    """A report its reader may not read: who holds it and its handling code, nothing more."""

    id = serializers.IntegerField()
    agency = serializers.CharField()
    country = serializers.CharField()
    handling = serializers.CharField()


def report_or_stub(**kwargs) -> PolymorphicProxySerializer:
    """A report in full where the viewer may read it, else its stub."""
    return PolymorphicProxySerializer(
        component_name="ReportOrStub",
        serializers=[ReportOut, ReportStubOut],
        resource_type_field_name=None,
        **kwargs,
    )


class ReportBriefOut(serializers.Serializer):
    """A short line about a readable report (disclosure.report_brief)."""

    id = serializers.IntegerField()
    room = serializers.IntegerField()
    seq = serializers.IntegerField()
    kind = serializers.CharField()
    handling = serializers.CharField()
    agency = serializers.CharField()
    country = serializers.CharField()
    author = serializers.CharField()
    occurred_at = serializers.DateTimeField(allow_null=True)


class MatchSelectorOut(serializers.Serializer):
    type = serializers.CharField()
    value = serializers.CharField(allow_null=True, help_text="null unless a side is readable")


class MatchLinkOut(serializers.Serializer):
    """One selector or name a matched pair shares."""

    type = serializers.CharField()
    kind = serializers.CharField(help_text="exact or fuzzy")
    value = serializers.CharField(allow_null=True, help_text="null unless a side is readable")
    values = serializers.ListField(
        child=serializers.CharField(allow_null=True),
        help_text="each side's value, null for a side the viewer may not read",
    )
    score = serializers.FloatField(allow_null=True, help_text="null unless both are readable")
    reasons = serializers.ListField(child=serializers.CharField())


class MatchOut(serializers.Serializer):
    """A pair of matched reports as the viewer may see it (disclosure.match_for).

    `selectors` lists every selector and name the pair shares, strongest first;
    `selector` and `values` repeat the strongest one's, `reasons` gathers them all.
    """

    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="exact or fuzzy")
    score = serializers.FloatField(allow_null=True, help_text="null unless both are readable")
    selector = MatchSelectorOut()
    values = serializers.ListField(
        child=serializers.CharField(allow_null=True),
        help_text="each side's value, null for a side the viewer may not read",
    )
    reasons = serializers.ListField(child=serializers.CharField())
    selectors = MatchLinkOut(many=True)
    reports = report_or_stub(many=True)


class MatchBriefOut(MatchOut):
    """A match with its readable reports in short (import matches)."""

    reports = PolymorphicProxySerializer(
        component_name="ReportBriefOrStub",
        serializers=[ReportBriefOut, ReportStubOut],
        resource_type_field_name=None,
        many=True,
    )


ReportIn = ReportInput
