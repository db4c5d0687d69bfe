from django.urls import path

from . import views

app_name = "commission"

urlpatterns = [
    path("", views.index, name="index"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
    path("ledger/", views.ledger_list, name="ledger"),
    path("ledger/export/", views.ledger_export, name="ledger_export"),
    path("ledger/<int:pk>/", views.ledger_update, name="ledger_update"),
    path("sharing/", views.sharing_list, name="sharing"),
    path("sharing/build/", views.sharing_build, name="sharing_build"),
    path("sharing/<int:pk>/download/", views.sharing_download, name="sharing_download"),
    path("assessments/", views.assessment_list, name="assessments"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("volunteers/", views.volunteer_list, name="volunteers"),
]
