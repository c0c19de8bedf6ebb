"""REST edge for the running totals."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.schema import error_responses

from .selectors import watch_operation
from .serializers import OperationStatsOut


class OperationStatsView(APIView):
    @extend_schema(responses={200: OperationStatsOut, **error_responses(403, 404)})
    def get(self, request: Request, operation_id: int) -> Response:
        """The live totals the dashboard shows, counting only what the caller may read.

        For the operation's coordinators and liaison officers (403 for other
        participants); running totals, never recomputed over reports.
        """
        watch = watch_operation(request.user, operation_id)
        return Response({"operation": watch.operation.pk, "stats": watch.stats()})
