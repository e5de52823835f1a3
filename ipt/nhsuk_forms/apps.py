from django.apps import AppConfig


class NhsukFormsConfig(AppConfig):
    name = "ipt.nhsuk_forms"
    label = "nhsuk_forms"
    verbose_name = "Form fields that render NHS design-system components"
