from django.urls import path

from .views import cases as views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("sources/", views.case_sources, name="case_sources"),
    path("open/", views.case_open, name="case_open"),
    path("referrals/decline/", views.referral_decline, name="referral_decline"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/investigation/", views.case_investigation, name="case_investigation"),
    path("<int:pk>/parties/", views.case_party, name="case_party"),
    path("<int:pk>/evidence/", views.case_evidence_add, name="case_evidence_add"),
    path("<int:pk>/decision/", views.case_decide, name="case_decide"),
    path("<int:pk>/extension/", views.case_extend, name="case_extend"),
    path("<int:pk>/closure/", views.case_close, name="case_close"),
    path("<int:pk>/supervision/", views.case_supervise, name="case_supervise"),
    path("<int:pk>/supervision/reports/", views.case_report_request, name="case_report_request"),
    path("evidence/<int:pk>/", views.case_evidence_file, name="case_evidence_file"),
    path("reports/<int:pk>/answer/", views.report_answer, name="report_answer"),
]
