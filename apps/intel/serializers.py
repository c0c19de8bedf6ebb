"""The REST edge's description of the intel app, for the OpenAPI schema.

Responses are built by payloads.py (and scoring.py); these classes document them.
"""

from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from apps.core.inputs import StrictSerializer
from apps.reports.serializers import MatchBriefOut

from .inputs import AgencyMappingInput, ImportOptionsInput, IndicatorInput
from .scoring import ParcelToScore

IndicatorIn = IndicatorInput


class IndicatorPatch(IndicatorInput):
    name = serializers.CharField(max_length=200, required=False)
    kind = serializers.CharField(required=False, help_text="cannot change")


class IndicatorStatsOut(serializers.Serializer):
    flagged = serializers.IntegerField()
    checked = serializers.IntegerField()
    hits = serializers.IntegerField()
    hit_rate = serializers.FloatField(allow_null=True, help_text="hits / checked")


class IndicatorOut(serializers.Serializer):
    id = serializers.IntegerField()
    operation = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    params = serializers.JSONField()
    weight = serializers.FloatField()
    explanation = serializers.CharField()
    active = serializers.BooleanField()
    created_by = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    stats = IndicatorStatsOut()


class ScoreIn(StrictSerializer):
    parcels = ParcelToScore(many=True, help_text="up to 10,000 parcels")


SCORE_REQUEST = PolymorphicProxySerializer(
    component_name="Score",
    serializers=[ParcelToScore, ScoreIn],
    resource_type_field_name=None,
)


class EvidenceOut(serializers.Serializer):
    id = serializers.IntegerField()
    agency = serializers.CharField()
    country = serializers.CharField()
    handling = serializers.CharField()
    readable = serializers.BooleanField()
    kind = serializers.CharField(required=False, help_text="only when readable")
    room = serializers.IntegerField(required=False)
    seq = serializers.IntegerField(required=False)
    occurred_at = serializers.DateTimeField(required=False, allow_null=True)
    person = serializers.DictField(
        required=False, help_text="only when readable: the earlier person {role, name, score}"
    )


class FiredOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    weight = serializers.FloatField()
    explanation = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    reports = EvidenceOut(many=True)
    reports_total = serializers.IntegerField()


class ScoredParcelOut(serializers.Serializer):
    index = serializers.IntegerField()
    ref = serializers.CharField()
    tracking_number = serializers.CharField()
    score = serializers.FloatField()
    indicators = FiredOut(many=True)
    warnings = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="values that were kept but could not be read, by field path",
    )


class InvalidParcelOut(serializers.Serializer):
    """In a batch, a parcel that could not be scored (a single parcel gets a 400 instead)."""

    index = serializers.IntegerField()
    ref = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ScoreOut(serializers.Serializer):
    operation = serializers.IntegerField()
    count = serializers.IntegerField()
    results = PolymorphicProxySerializer(
        component_name="ScoreResult",
        serializers=[ScoredParcelOut, InvalidParcelOut],
        resource_type_field_name=None,
        many=True,
    )


SCORE_RESPONSE = PolymorphicProxySerializer(
    component_name="ScoreResponse",
    serializers=[ScoredParcelOut, ScoreOut],
    resource_type_field_name=None,
)


class ImportIn(ImportOptionsInput):
    file = serializers.FileField(help_text="CSV, JSON (an array) or JSON Lines; see docs/intel.md")


AgencyMappingIn = AgencyMappingInput


class ImportRowsOut(serializers.Serializer):
    total = serializers.IntegerField()
    created = serializers.IntegerField()
    existing = serializers.IntegerField()
    rejected = serializers.IntegerField()


class ImportErrorOut(serializers.Serializer):
    line = serializers.IntegerField()
    reason = serializers.CharField()


class UnknownAgencyOut(serializers.Serializer):
    country = serializers.CharField()
    name = serializers.CharField(help_text="as the file spells it (its first spelling)")
    kinds = serializers.ListField(child=serializers.CharField(), help_text="as the rows give them")
    rows = serializers.IntegerField()


class ImportRunOut(serializers.Serializer):
    id = serializers.IntegerField()
    operation = serializers.IntegerField()
    room = serializers.IntegerField()
    officer = serializers.CharField()
    name = serializers.CharField()
    format = serializers.CharField()
    sha256 = serializers.CharField()
    status = serializers.CharField()
    rows = ImportRowsOut()
    agencies_created = serializers.ListField(child=serializers.CharField())
    agencies_unknown = UnknownAgencyOut(
        many=True,
        help_text="status needs_agencies: map these (POST .../agencies/) to load the file",
    )
    batches = serializers.DictField(child=serializers.IntegerField())
    matches_found = serializers.IntegerField()
    failure = serializers.CharField()
    created_at = serializers.DateTimeField()
    loaded_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    errors = ImportErrorOut(many=True, required=False)


class ImportMatchOut(MatchBriefOut):
    created_at = serializers.DateTimeField()
