from django.urls import path

from .views import consultation
from .views import warnings as views

app_name = "warnings"

urlpatterns = [
    path("", views.warning_list, name="warning_list"),
    path("<int:pk>/", views.warning_detail, name="warning_detail"),
    path("<int:pk>/step/", views.warning_step, name="warning_step"),
    path("consultation/", consultation.consultation, name="consultation"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/<str:code>/", views.rule_detail, name="rule_detail"),
]
