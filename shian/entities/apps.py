from django.apps import AppConfig


class EntitiesConfig(AppConfig):
    name = "shian.entities"
    verbose_name = "市场主体"
