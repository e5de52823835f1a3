from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "ipt.clients"
    label = "clients"
    verbose_name = "Clients and referrals"
