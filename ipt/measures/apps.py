from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "ipt.measures"
    label = "measures"
    verbose_name = "Questionnaires, scores, risk alerts and outcomes"
