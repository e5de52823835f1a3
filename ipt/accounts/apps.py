from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ipt.accounts"
    label = "accounts"
    verbose_name = "Staff accounts, roles and sign-in"
