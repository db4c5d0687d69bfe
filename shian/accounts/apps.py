from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shian.accounts"
    verbose_name = "账号"
