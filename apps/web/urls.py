from django.urls import path
from django.views.i18n import JavaScriptCatalog

from .views import dashboard, intel, operations, pages, signin

urlpatterns = [
    path("login/", signin.SignInView.as_view(), name="login"),
    path("logout/", signin.SignOutView.as_view(), name="logout"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", pages.home, name="home"),
    path("alerts/", pages.alerts, name="alerts"),
    path("rooms/<int:room_id>/", pages.room, name="room"),
    path("reports/<int:report_id>/", pages.report, name="report"),
    path("operations/new/", operations.operation_new, name="operation-new"),
    path("operations/<int:operation_id>/", operations.operation_detail, name="operation"),
    path(
        "operations/<int:operation_id>/phase/",
        operations.operation_phase,
        name="operation-phase",
    ),
    path(
        "operations/<int:operation_id>/agencies/",
        operations.operation_agency_add_view,
        name="operation-agency-add",
    ),
    path(
        "operations/<int:operation_id>/agencies/new/",
        operations.operation_agency_new,
        name="operation-agency-new",
    ),
    path(
        "operations/<int:operation_id>/rooms/",
        operations.operation_room_new,
        name="operation-room-new",
    ),
    path(
        "operations/<int:operation_id>/rooms/<int:room_id>/members/",
        operations.room_membership,
        name="room-membership",
    ),
    path("operations/<int:operation_id>/dashboard/", dashboard.dashboard, name="dashboard"),
    path(
        "operations/<int:operation_id>/dashboard/live/",
        dashboard.dashboard_live,
        name="dashboard-live",
    ),
    path("operations/<int:operation_id>/results/", dashboard.results, name="results"),
    path(
        "operations/<int:operation_id>/results/reports.csv",
        dashboard.results_csv,
        name="results-csv",
    ),
    path("operations/<int:operation_id>/indicators/", intel.indicators, name="intel-indicators"),
    path(
        "indicators/<int:indicator_id>/toggle/",
        intel.indicator_toggle,
        name="intel-indicator-toggle",
    ),
    path("operations/<int:operation_id>/imports/", intel.imports, name="intel-imports"),
    path("imports/<int:run_id>/", intel.import_detail, name="intel-import"),
    path("imports/<int:run_id>/agencies/", intel.import_agencies, name="intel-import-agencies"),
]
