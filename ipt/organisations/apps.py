from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "ipt.organisations"
    label = "organisations"
    verbose_name = "Services and sites"
