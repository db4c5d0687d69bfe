from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "shian.demo"
    verbose_name = "演示数据"
