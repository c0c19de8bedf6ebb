from rest_framework import serializers

from .models import Operation, Room


class OperationOut(serializers.ModelSerializer):
    class Meta:
        model = Operation
        fields = ["id", "code_name", "description", "phase", "starts_on", "ends_on"]


class RoomOut(serializers.ModelSerializer):
    members = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = Room
        fields = ["id", "operation", "name", "description", "last_seq", "members"]
