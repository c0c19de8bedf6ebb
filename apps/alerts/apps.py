from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "apps.alerts"
    label = "alerts"

    def ready(self) -> None:
        from apps.crossmatch.hooks import on_matches_made

        from .services import alerts_for_matches

        on_matches_made("alerts.officers_concerned", alerts_for_matches)
