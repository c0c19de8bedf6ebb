from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "apps.dashboard"
    label = "dashboard"

    def ready(self) -> None:
        from apps.reports.hooks import on_report_saved

        from .services import totals_add_report

        on_report_saved("dashboard.totals", totals_add_report)
