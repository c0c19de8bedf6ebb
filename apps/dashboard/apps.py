from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "apps.dashboard"
    label = "dashboard"

    def ready(self) -> None:
        from apps.reports.hooks import on_reports_saved

        from .services import totals_add_reports

        on_reports_saved("dashboard.totals", totals_add_reports)
