from django.apps import AppConfig


class CrossmatchConfig(AppConfig):
    name = "apps.crossmatch"
    label = "crossmatch"

    def ready(self) -> None:
        from apps.reports.hooks import on_report_saved

        from .services import names_index_add_report
        from .tasks import match_report_on_commit

        # The name index is written in the report's transaction, so two reports
        # matched at the same time always find each other from one side or the other.
        on_report_saved("crossmatch.names", names_index_add_report)
        on_report_saved("crossmatch.match", match_report_on_commit)
