from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

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
    path("rooms/<int:room_id>/reports/", reports_api.RoomReportsView.as_view(), name="api-room-reports"),
    path("reports/<int:report_id>/", reports_api.ReportDetailView.as_view(), name="api-report"),
    path("alerts/", alerts_api.AlertListView.as_view(), name="api-alerts"),
    path("alerts/<int:alert_id>/ack/", alerts_api.AlertAckView.as_view(), name="api-alert-ack"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/v1/", include("apps.intel.urls")),
    path("", include("apps.intel.web_urls")),
    path("", include("apps.web.urls")),
]
