from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "ipt.reports"
    label = "reports"
    verbose_name = "Outcome summaries and service reports"
