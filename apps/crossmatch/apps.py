from django.apps import AppConfig


class CrossmatchConfig(AppConfig):
    name = "apps.crossmatch"
    label = "crossmatch"

    def ready(self) -> None:
        from apps.reports.hooks import on_reports_saved

        from .blocking import names_index_add_reports
        from .tasks import match_reports_on_commit

        # The name index is written in the report's transaction, so two reports
        # matched at the same time always find each other from one side or the other.
        on_reports_saved("crossmatch.names", names_index_add_reports)
        on_reports_saved("crossmatch.match", match_reports_on_commit)
