"""REST edge for operations and their rooms."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics

from apps.core.query import query_choice
from apps.core.schema import error_responses

from .models import Phase
from .selectors import operations_of, rooms_of
from .serializers import OperationOut, RoomOut


@extend_schema_view(
    get=extend_schema(
        parameters=[OpenApiParameter("phase", OpenApiTypes.STR, enum=Phase.values)],
        responses={200: OperationOut(many=True), **error_responses(400, 404)},
    )
)
class OperationListView(generics.ListAPIView):
    """Operations the caller's agency takes part in."""

    serializer_class = OperationOut

    def get_queryset(self):
        queryset = operations_of(self.request.user)
        if phase := query_choice(self.request, "phase", Phase.values):
            queryset = queryset.filter(phase=phase)
        return queryset


@extend_schema_view(get=extend_schema(responses={200: OperationOut, **error_responses(404)}))
class OperationDetailView(generics.RetrieveAPIView):
    serializer_class = OperationOut
    lookup_url_kwarg = "operation_id"

    def get_queryset(self):
        return operations_of(self.request.user)


@extend_schema_view(
    get=extend_schema(responses={200: RoomOut(many=True), **error_responses(400, 404)})
)
class OperationRoomsView(generics.ListAPIView):
    """Rooms of the operation the caller's agency is a member of."""

    serializer_class = RoomOut

    def get_queryset(self):
        operation = get_object_or_404(
            operations_of(self.request.user), pk=self.kwargs["operation_id"]
        )
        return rooms_of(self.request.user).filter(operation=operation).prefetch_related("members")
