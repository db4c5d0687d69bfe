from django.urls import path

from . import views

app_name = "visits"
urlpatterns = [
    path("", views.my_entities, name="mine"),
    path("entities/<int:entity_id>/new/", views.visit_new, name="visit_new"),
    path("records/", views.visit_list, name="visits"),
    path("records/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("problems/", views.problem_list, name="problems"),
    path("problems/export.xlsx", views.problem_export, name="problem_export"),
    path("problems/<int:pk>/", views.problem_detail, name="problem_detail"),
    path("problems/<int:pk>/evidence/", views.problem_evidence, name="problem_evidence"),
    path("problems/<int:pk>/close/", views.problem_close, name="problem_close"),
    path("problems/<int:pk>/return/", views.problem_return, name="problem_return"),
    path("coverage/", views.coverage, name="coverage"),
    path("checklists/", views.checklist_list, name="checklists"),
    path("checklists/<int:pk>/", views.checklist_detail, name="checklist_detail"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
