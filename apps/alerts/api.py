"""REST edge for alerts: my alerts, and acknowledging one."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.audit import alert_reports_shown, audit_read
from apps.core.pagination import Pagination
from apps.core.query import query_choice
from apps.core.schema import error_responses
from apps.reports.selectors import viewer_for

from .models import AlertState
from .payloads import alert_payload
from .selectors import alerts_of
from .serializers import AlertOut
from .services import AlertNotFound, alert_acknowledge


class AlertListView(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[OpenApiParameter("state", OpenApiTypes.STR, enum=AlertState.values)],
        responses={200: AlertOut(many=True), **error_responses(400, 404)},
    )
    def get(self, request: Request) -> Response:
        """My alerts, newest first; `state=new` for the unread ones."""
        state = query_choice(request, "state", AlertState.values)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(alerts_of(request.user, state=state), request, view=self)
        viewer = viewer_for(request.user)
        payloads = [alert_payload(a, viewer) for a in page]
        _audit(request, payloads)
        return paginator.get_paginated_response(payloads)


class AlertAckView(APIView):
    @extend_schema(request=None, responses={200: AlertOut, **error_responses(404)})
    def post(self, request: Request, alert_id: int) -> Response:
        """Acknowledge one of my alerts."""
        try:
            alert = alert_acknowledge(alert_id=alert_id, officer=request.user)
        except AlertNotFound:
            raise NotFound("No such alert.") from None
        alert = alerts_of(request.user).get(pk=alert.pk)
        payload = alert_payload(alert, viewer_for(request.user))
        _audit(request, [payload])
        return Response(payload)


def _audit(request: Request, payloads: list[dict]) -> None:
    audit_read(
        username=request.user.username,
        what="alerts",
        ids=[p["id"] for p in payloads],
        via="rest",
        origin=request.META.get("REMOTE_ADDR", ""),
    )
    audit_read(
        username=request.user.username,
        what="reports",
        ids=alert_reports_shown(payloads),
        via="rest-alerts",
        origin=request.META.get("REMOTE_ADDR", ""),
    )
