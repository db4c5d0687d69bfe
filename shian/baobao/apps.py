from django.apps import AppConfig


class BaobaoConfig(AppConfig):
    name = "shian.baobao"
    verbose_name = "包保"
