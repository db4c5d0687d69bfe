from django.urls import path

from . import views

app_name = "knowledge"
urlpatterns = [
    path("", views.home, name="home"),
    path("tests/new/", views.test_new, name="test_new"),
    path("tests/<int:pk>/", views.test_detail, name="test_detail"),
    path("tests/<int:pk>/export.xlsx", views.test_export, name="test_export"),
    path("tests/<int:pk>/cancel/", views.test_cancel, name="test_cancel"),
    path("tests/<int:pk>/start/", views.attempt_start, name="attempt_start"),
    path("attempts/<int:pk>/", views.attempt_detail, name="attempt"),
    path("attempts/<int:pk>/save/", views.attempt_save, name="attempt_save"),
    path("bank/", views.bank, name="bank"),
    path("bank/template.xlsx", views.bank_template, name="bank_template"),
]
