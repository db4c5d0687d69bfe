from django.urls import path

from .views import pages as views

app_name = "evaluation"

urlpatterns = [
    path("", views.evaluation_list, name="evaluation_list"),
    path("<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("<int:pk>/decide/", views.sub_item_decide, name="sub_item_decide"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:pk>/evidence/", views.task_evidence, name="task_evidence"),
    path("tasks/<int:pk>/review/", views.task_review, name="task_review"),
]
