from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.accounts import api as accounts_api
from apps.alerts import api as alerts_api
from apps.dashboard import api as dashboard_api
from apps.operations import api as operations_api
from apps.reports import api as reports_api


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


api_v1 = [
    path("auth/token/", accounts_api.AuthTokenView.as_view(), name="api-token"),
    path("operations/", operations_api.OperationListView.as_view(), name="api-operations"),
    path(
        "operations/<int:operation_id>/",
        operations_api.OperationDetailView.as_view(),
        name="api-operation",
    ),
    path(
        "operations/<int:operation_id>/rooms/",
        operations_api.OperationRoomsView.as_view(),
        name="api-operation-rooms",
    ),
    path(
        "operations/<int:operation_id>/stats/",
        dashboard_api.OperationStatsView.as_view(),
        name="api-operation-stats",
    ),
    path(
        "rooms/<int:room_id>/reports/",
        reports_api.RoomReportsView.as_view(),
        name="api-room-reports",
    ),
    path("reports/<int:report_id>/", reports_api.ReportDetailView.as_view(), name="api-report"),
    path("alerts/", alerts_api.AlertListView.as_view(), name="api-alerts"),
    path("alerts/<int:alert_id>/ack/", alerts_api.AlertAckView.as_view(), name="api-alert-ack"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # the split view serves its script as a file, so the page runs under the CSP
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/v1/", include("apps.intel.urls")),
    path("", include("apps.web.urls")),
]

# JSON errors under /api/, the usual pages elsewhere (apps/core/http.py)
handler400 = "apps.core.http.bad_request"
handler403 = "apps.core.http.permission_denied"
handler404 = "apps.core.http.page_not_found"
handler500 = "apps.core.http.server_error"
