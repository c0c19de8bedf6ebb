"""REST edge for the running totals."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .selectors import watch_operation


class OperationStatsView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, operation_id: int) -> Response:
        """The live totals the dashboard shows, counting only what the caller may read.

        For the operation's coordinators and liaison officers (403 for other
        participants); running totals, never recomputed over reports.
        """
        watch = watch_operation(request.user, operation_id)
        return Response({"operation": watch.operation.pk, "stats": watch.stats()})
