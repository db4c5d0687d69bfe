from django.urls import path

from . import views

app_name = "commission"

urlpatterns = [
    path("", views.index, name="index"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("ledger/", views.ledger_list, name="ledger"),
    path("ledger/new/", views.ledger_new, name="ledger_new"),
    path("ledger/export/", views.ledger_export, name="ledger_export"),
    path("ledger/<int:pk>/", views.ledger_update, name="ledger_update"),
    path("sharing/", views.sharing_list, name="sharing"),
    path("sharing/build/", views.sharing_build, name="sharing_build"),
    path("sharing/<int:pk>/download/", views.sharing_download, name="sharing_download"),
    path("assessments/", views.assessment_list, name="assessments"),
    path("assessments/sheets/new/", views.sheet_new, name="sheet_new"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("volunteers/", views.volunteer_list, name="volunteers"),
    path("volunteers/new/", views.volunteer_new, name="volunteer_new"),
    path("volunteers/tasks/new/", views.volunteer_task_new, name="volunteer_task_new"),
]
