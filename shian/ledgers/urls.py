from django.urls import path

from . import views

app_name = "ledgers"
urlpatterns = [
    path("", views.batch_list, name="list"),
    path("<int:pk>/", views.batch_detail, name="detail"),
    path("<int:pk>/report.xlsx", views.batch_report, name="report"),
    path("<int:pk>/rollback/", views.batch_rollback, name="rollback"),
    path("templates/<str:kind>.xlsx", views.template, name="template"),
]
