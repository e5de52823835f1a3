from django.apps import AppConfig


class FormulationsConfig(AppConfig):
    name = "ipt.formulations"
    label = "formulations"
    verbose_name = "Problem areas, formulation, the middle-phase gate and goals"
