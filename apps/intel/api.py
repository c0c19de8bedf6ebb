"""REST edge of the intel app: parse, call one service or selector, serialize."""

import logging

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.formats import iso
from apps.core.pagination import Pagination
from apps.core.parsers import JSONParser
from apps.core.query import query_bool
from apps.core.schema import error_responses
from apps.reports.disclosure import match_for
from apps.reports.selectors import viewer_for

from . import serializers as s
from .imports import import_run_map_agencies
from .inputs import ImportOptionsInput, parse_input
from .payloads import import_run_payload, indicator_payload
from .scoring import MAX_BATCH, parcels_score
from .selectors import (
    import_run_for,
    import_run_matches,
    import_runs_of,
    indicator_counts_for,
    indicator_for,
    indicators_of,
    operation_of,
)
from .services import (
    indicator_create,
    indicator_update,
    officer_may_analyse,
)
from .uploads import import_upload_start

audit = logging.getLogger("commandcentre.audit")


def _operation(request: Request, operation_id: int):
    operation = operation_of(request.user, operation_id)
    if operation is None:
        raise NotFound("No such operation.")
    return operation


class IndicatorListView(APIView):
    @extend_schema(responses={200: s.IndicatorOut(many=True), **error_responses(404)})
    def get(self, request: Request, operation_id: int) -> Response:
        """The operation's risk indicators with their effectiveness counts."""
        operation = _operation(request, operation_id)
        counts = indicator_counts_for(request.user, operation.pk)
        return Response(
            [indicator_payload(i, counts) for i in indicators_of(request.user, operation)]
        )

    @extend_schema(
        request=s.IndicatorIn,
        responses={201: s.IndicatorOut, **error_responses(400, 403, 404, 415)},
    )
    def post(self, request: Request, operation_id: int) -> Response:
        """Define an indicator (analysts and coordinators)."""
        operation = _operation(request, operation_id)
        indicator = indicator_create(operation=operation, officer=request.user, data=request.data)
        return Response(
            indicator_payload(indicator, indicator_counts_for(request.user, operation.pk)),
            status=status.HTTP_201_CREATED,
        )


class IndicatorDetailView(APIView):
    def _indicator(self, request, indicator_id):
        indicator = indicator_for(request.user, indicator_id)
        if indicator is None:
            raise NotFound("No such indicator.")
        return indicator

    @extend_schema(responses={200: s.IndicatorOut, **error_responses(404)})
    def get(self, request: Request, indicator_id: int) -> Response:
        indicator = self._indicator(request, indicator_id)
        counts = indicator_counts_for(request.user, indicator.operation_id)
        return Response(indicator_payload(indicator, counts))

    @extend_schema(
        request=s.IndicatorPatch,
        responses={200: s.IndicatorOut, **error_responses(400, 403, 404, 415)},
    )
    def patch(self, request: Request, indicator_id: int) -> Response:
        """Change weight, explanation, params, name, or switch it off (`active`)."""
        indicator = self._indicator(request, indicator_id)
        indicator = indicator_update(indicator=indicator, officer=request.user, data=request.data)
        counts = indicator_counts_for(request.user, indicator.operation_id)
        return Response(indicator_payload(indicator, counts))


class ScoreView(APIView):
    @extend_schema(
        request=s.SCORE_REQUEST,
        parameters=[
            OpenApiParameter(
                "record",
                OpenApiTypes.BOOL,
                description="remember flagged parcels for effectiveness (default true)",
            )
        ],
        responses={
            200: OpenApiResponse(
                s.SCORE_RESPONSE,
                description="one parcel: its result; a batch: every parcel's result, "
                "each scored or with its errors",
            ),
            **error_responses(400, 404, 415),
        },
    )
    def post(self, request: Request, operation_id: int) -> Response:
        """Score one parcel, or `{"parcels": [...]}` (up to 10000), against the active indicators."""
        operation = _operation(request, operation_id)
        data = request.data
        if not isinstance(data, dict):
            return Response(
                {"non_field_errors": ['Send a parcel or {"parcels": [...]}.']}, status=400
            )
        record = query_bool(request, "record", default=True)
        batch = "parcels" in data
        parcels = data["parcels"] if batch else [data]
        if batch and (not isinstance(parcels, list) or len(data) != 1):
            return Response({"parcels": ["A list of parcels, and nothing else."]}, status=400)
        if len(parcels) > MAX_BATCH:
            return Response({"parcels": [f"At most {MAX_BATCH} parcels per request."]}, status=400)
        results = parcels_score(
            operation=operation, officer=request.user, parcels=parcels, record=record
        )
        if not batch:
            result = results[0]
            if "errors" in result:
                return Response(result["errors"], status=status.HTTP_400_BAD_REQUEST)
            return Response(result)
        return Response({"operation": operation.pk, "count": len(results), "results": results})


class ImportListView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    pagination_class = Pagination

    @extend_schema(responses={200: s.ImportRunOut(many=True), **error_responses(400, 403, 404)})
    def get(self, request: Request, operation_id: int) -> Response:
        """Imports of the operation (analysts and coordinators)."""
        operation = _operation(request, operation_id)
        if not officer_may_analyse(request.user, operation):
            raise PermissionDenied("Only analysts and coordinators see the imports.")
        runs = import_runs_of(request.user, operation)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(runs, request, view=self)
        return paginator.get_paginated_response([import_run_payload(r, errors=False) for r in page])

    @extend_schema(
        request={"multipart/form-data": s.ImportIn},
        responses={202: s.ImportRunOut, **error_responses(400, 403, 404, 415)},
    )
    def post(self, request: Request, operation_id: int) -> Response:
        """Upload a CSV, JSON or JSON Lines file of earlier seizures; it is imported by a task.

        202 with the run; its `status` goes queued, loading, matching, done (or
        failed), and the analyst gets one `import.finished` event on /ws/alerts/.
        """
        operation = _operation(request, operation_id)
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": ["Attach the file as `file`."]}, status=400)
        options, errors = parse_input(
            ImportOptionsInput, {k: v for k, v in request.data.items() if k != "file"}
        )
        if errors:
            return Response(errors, status=400)
        run = import_upload_start(
            operation=operation,
            officer=request.user,
            upload=upload,
            name=options["name"],
            room_id=options["room"],
        )
        run.refresh_from_db()
        return Response(import_run_payload(run), status=status.HTTP_202_ACCEPTED)


class ImportDetailView(APIView):
    @extend_schema(responses={200: s.ImportRunOut, **error_responses(404)})
    def get(self, request: Request, run_id: int) -> Response:
        """One import: counts, rejected rows (line and reason), matches found."""
        run = import_run_for(request.user, run_id)
        if run is None:
            raise NotFound("No such import.")
        return Response(import_run_payload(run))


class ImportAgenciesView(APIView):
    @extend_schema(
        request=s.AgencyMappingIn,
        responses={200: s.ImportRunOut, **error_responses(400, 403, 404, 415)},
    )
    def post(self, request: Request, run_id: int) -> Response:
        """Map the import's unknown agencies (status `needs_agencies`), some or all.

        Each item names an unknown agency (`country`, `name`) and either `agency`, an
        existing agency of that country (the name is remembered as its alias for
        later imports), or `kind`, to create an agency of that name and kind. Once
        none is left the upload is loaded (status `queued`, then as any import).
        Only the import's analyst and the operation's coordinators.
        """
        run = import_run_for(request.user, run_id)
        if run is None:
            raise NotFound("No such import.")
        run = import_run_map_agencies(run=run, officer=request.user, data=request.data)
        return Response(import_run_payload(run))


class ImportMatchesView(APIView):
    pagination_class = Pagination

    @extend_schema(responses={200: s.ImportMatchOut(many=True), **error_responses(400, 404)})
    def get(self, request: Request, run_id: int) -> Response:
        """The matches the import's reports are part of (what the summary counts), newest first."""
        run = import_run_for(request.user, run_id)
        if run is None:
            raise NotFound("No such import.")
        viewer = viewer_for(request.user)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(import_run_matches(run), request, view=self)
        out = [
            {**match_for(viewer, match, brief=True), "created_at": iso(match.created_at)}
            for match in page
        ]
        audit.info("read import=%s matches by=%s", run.pk, request.user.username)
        return paginator.get_paginated_response(out)
