"""The REST edge's description of alerts, for the OpenAPI schema (payloads.py builds them)."""

from rest_framework import serializers

from apps.reports.serializers import report_or_stub


class AlertSelectorOut(serializers.Serializer):
    type = serializers.CharField()
    value = serializers.CharField(allow_null=True, help_text="null unless a report is readable")


class AlertMatchOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="exact or fuzzy")
    score = serializers.FloatField()
    selector = AlertSelectorOut()
    reasons = serializers.ListField(child=serializers.CharField())
    reports = report_or_stub(many=True)


class AlertOut(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    created_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    match = AlertMatchOut()
