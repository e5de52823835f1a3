from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReportsConfig(AppConfig):
    name = "ipt.reports"
    label = "reports"
    verbose_name = "Outcome summaries and service reports"

    def ready(self) -> None:
        from .summaries import rebuild_stale

        post_migrate.connect(rebuild_stale, sender=self, dispatch_uid="reports.rebuild_stale")
