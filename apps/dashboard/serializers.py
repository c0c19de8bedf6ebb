"""The REST edge's description of the running totals, for the OpenAPI schema."""

from rest_framework import serializers


class OperationStatsOut(serializers.Serializer):
    operation = serializers.IntegerField()
    stats = serializers.DictField(help_text="the running totals the dashboard shows")
