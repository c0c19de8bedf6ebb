"""REST edge for operations and their rooms."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.schema import error_responses
from apps.dashboard.selectors import operation_stats

from .models import Phase
from .selectors import operations_of, rooms_of
from .serializers import OperationOut, OperationStatsOut, RoomOut


@extend_schema_view(
    get=extend_schema(
        parameters=[OpenApiParameter("phase", OpenApiTypes.STR, enum=Phase.values)],
        responses={200: OperationOut(many=True), **error_responses(404)},
    )
)
class OperationListView(generics.ListAPIView):
    """Operations the caller's agency takes part in."""

    serializer_class = OperationOut

    def get_queryset(self):
        queryset = operations_of(self.request.user)
        if phase := self.request.query_params.get("phase"):
            queryset = queryset.filter(phase=phase)
        return queryset


@extend_schema_view(get=extend_schema(responses={200: OperationOut, **error_responses(404)}))
class OperationDetailView(generics.RetrieveAPIView):
    serializer_class = OperationOut
    lookup_url_kwarg = "operation_id"

    def get_queryset(self):
        return operations_of(self.request.user)


@extend_schema_view(get=extend_schema(responses={200: RoomOut(many=True), **error_responses(404)}))
class OperationRoomsView(generics.ListAPIView):
    """Rooms of the operation the caller's agency is a member of."""

    serializer_class = RoomOut

    def get_queryset(self):
        operation = get_object_or_404(operations_of(self.request.user), pk=self.kwargs["operation_id"])
        return rooms_of(self.request.user).filter(operation=operation).prefetch_related("members")


class OperationStatsView(APIView):
    @extend_schema(responses={200: OperationStatsOut, **error_responses(404)})
    def get(self, request: Request, operation_id: int) -> Response:
        """The live totals the dashboard shows (running totals, not recomputed)."""
        operation = get_object_or_404(operations_of(request.user), pk=operation_id)
        return Response({"operation": operation.pk, "stats": operation_stats(operation)})
