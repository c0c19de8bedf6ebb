"""REST edge for reports: parse, call one service or selector, serialize."""

import logging

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.pagination import Pagination
from apps.core.query import query_choice, query_country, query_int
from apps.core.schema import error_responses
from apps.core.throttling import ScopedRateThrottleWithFallback
from apps.operations.selectors import access_room_by_id

from .models import Handling, Kind
from .payloads import report_payload
from .selectors import reports_visible_to, room_reports_visible_to, with_details
from .serializers import ReportIn, ReportOut
from .services import report_create

audit = logging.getLogger("commandcentre.audit")


def client_address(request: Request) -> str:
    return request.META.get("REMOTE_ADDR", "")


class RoomReportsView(APIView):
    throttle_scope = "report_post"
    pagination_class = Pagination

    def get_throttles(self):
        return [ScopedRateThrottleWithFallback()] if self.request.method == "POST" else []

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "after_seq", OpenApiTypes.INT, description="only reports after this seq"
            ),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=Kind.values),
            OpenApiParameter("handling", OpenApiTypes.STR, enum=Handling.values),
            OpenApiParameter("country", OpenApiTypes.STR, description="ISO alpha-2 of the author"),
        ],
        responses={200: ReportOut(many=True), **error_responses(400, 403, 404)},
    )
    def get(self, request: Request, room_id: int) -> Response:
        """Reports of the room the caller may read, oldest first, after `after_seq`."""
        room = access_room_by_id(request.user, room_id)
        after_seq = query_int(request, "after_seq", default=0)
        kind = query_choice(request, "kind", Kind.values)
        handling = query_choice(request, "handling", Handling.values)
        country = query_country(request)
        reports = room_reports_visible_to(request.user, room, after_seq=after_seq)
        if kind:
            reports = reports.filter(kind=kind)
        if handling:
            reports = reports.filter(handling=handling)
        if country:
            reports = reports.filter(country_id=country)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(reports, request, view=self)
        audit.info(
            "read room=%s reports=%s by=%s from=%s",
            room.pk,
            ",".join(str(r.pk) for r in page),
            request.user.username,
            client_address(request),
        )
        return paginator.get_paginated_response([report_payload(r) for r in page])

    @extend_schema(
        request=ReportIn,
        responses={201: ReportOut, 200: ReportOut, **error_responses(400, 403, 404, 415, 429)},
    )
    def post(self, request: Request, room_id: int) -> Response:
        """Post a report. The same client_id again returns the first report with 200."""
        room = access_room_by_id(request.user, room_id)
        posted = report_create(
            room=room,
            author=request.user,
            data=request.data,
            origin=client_address(request),
            just_entered=True,
        )
        return Response(
            report_payload(posted.report),
            status=status.HTTP_201_CREATED if posted.created else status.HTTP_200_OK,
        )


class ReportDetailView(APIView):
    @extend_schema(responses={200: ReportOut, **error_responses(404)})
    def get(self, request: Request, report_id: int) -> Response:
        """One report, if the caller may read it (404 otherwise)."""
        report = get_object_or_404(with_details(reports_visible_to(request.user)), pk=report_id)
        audit.info(
            "read report=%s by=%s from=%s",
            report.pk,
            request.user.username,
            client_address(request),
        )
        return Response(report_payload(report))
