"""REST edge for alerts: my alerts, and acknowledging one."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.audit import alert_reports_shown, audit_read
from apps.core.pagination import Pagination
from apps.core.query import query_choice, query_country, query_int
from apps.core.schema import error_responses
from apps.crossmatch.models import MatchKind
from apps.reports.selectors import viewer_for

from .models import AlertState
from .payloads import alert_payload
from .selectors import alerts_of
from .serializers import AlertOut
from .services import alert_acknowledge


class AlertListView(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "state", OpenApiTypes.STR, enum=AlertState.values, description="`new`: unread"
            ),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=MatchKind.values),
            OpenApiParameter(
                "room",
                OpenApiTypes.INT,
                description="alerts with a report you may read in this room",
            ),
            OpenApiParameter(
                "country",
                OpenApiTypes.STR,
                description="ISO 3166-1 alpha-2: alerts with a report of this country on "
                "either side (the country even a hit/no-hit stub shows)",
            ),
        ],
        responses={200: AlertOut(many=True), **error_responses(400, 404)},
    )
    def get(self, request: Request) -> Response:
        """My alerts, newest first, filtered by state, match kind, room and country."""
        viewer = viewer_for(request.user)
        alerts = alerts_of(
            request.user,
            state=query_choice(request, "state", AlertState.values),
            kind=query_choice(request, "kind", MatchKind.values),
            room_id=query_int(request, "room", minimum=1),
            country=query_country(request),
            viewer=viewer,
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(alerts, request, view=self)
        payloads = [alert_payload(a, viewer) for a in page]
        _audit(request, payloads)
        return paginator.get_paginated_response(payloads)


class AlertAckView(APIView):
    @extend_schema(request=None, responses={200: AlertOut, **error_responses(404)})
    def post(self, request: Request, alert_id: int) -> Response:
        """Acknowledge one of my alerts."""
        alert = alert_acknowledge(alert_id=alert_id, officer=request.user)
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
