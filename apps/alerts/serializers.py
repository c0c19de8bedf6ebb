"""The REST edge's description of alerts, for the OpenAPI schema (payloads.py builds them)."""

from rest_framework import serializers

from apps.reports.serializers import MatchOut


class AlertRoomOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AlertOut(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(
        allow_null=True, help_text="when the pair gained a selector after the alert was made"
    )
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    match = MatchOut()
    rooms = AlertRoomOut(
        many=True, help_text="the rooms of the reports shown in full (a stub's room is not said)"
    )
