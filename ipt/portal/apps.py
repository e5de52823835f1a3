from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "ipt.portal"
    label = "portal"
    verbose_name = "Client portal: accounts, invitations and appointment requests"
