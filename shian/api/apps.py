from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "shian.api"
    verbose_name = "API"
