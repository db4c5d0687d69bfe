from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("series.json", views.series, name="series"),
    path("export.xlsx", views.export, name="export"),
    path("reports/", views.reports, name="reports"),
    path("reports/generate/", views.report_generate, name="report_generate"),
    path("reports/<int:pk>.<str:fmt>", views.report_file, name="report_file"),
]
