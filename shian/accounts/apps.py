from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shian.accounts"
    verbose_name = "账号"

    def ready(self):
        from shian.core import schedule

        from . import selectors

        schedule.set_operators(selectors.operators)  # a failed scheduled job notifies the top administrators
