from django.urls import path

from .views import pages as views

app_name = "evaluation"

urlpatterns = [
    path("", views.evaluation_list, name="evaluation_list"),
    path("<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("<int:pk>/decide/", views.sub_item_decide, name="sub_item_decide"),
    path("catalogs/", views.catalog_list, name="catalog_list"),
    path("catalogs/template/", views.catalog_template, name="catalog_template"),
    path("catalogs/uploads/<int:pk>/", views.catalog_upload, name="catalog_upload"),
    path("catalogs/uploads/<int:pk>/report/", views.catalog_upload_report, name="catalog_upload_report"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:pk>/evidence/", views.task_evidence, name="task_evidence"),
    path("tasks/<int:pk>/review/", views.task_review, name="task_review"),
]
