from django.apps import AppConfig


class IntelConfig(AppConfig):
    name = "apps.intel"
    label = "intel"

    def ready(self) -> None:
        from apps.reports.hooks import on_reports_saved

        from . import imports, tasks
        from .services import effectiveness_record_reports

        on_reports_saved("intel.effectiveness", effectiveness_record_reports)
        imports.register_tasks(
            match_batch=tasks.match_imported_reports_task, upload=tasks.import_upload_task
        )
