from django.urls import path

from . import policy_views, views

app_name = "baobao"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("runs/", views.run_list, name="runs"),
    path("runs/new/", views.run_create, name="run_create"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/publish/", views.run_publish, name="run_publish"),
    path("guarantees/", views.guarantee_list, name="guarantees"),
    path("changes/", views.change_list, name="changes"),
    path("cadres/", views.cadre_list, name="cadres"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre_detail"),
    path("cadres/<int:pk>/commitment/", views.commitment_confirm, name="commitment_confirm"),
    path("cadres/<int:pk>/documents.docx", views.cadre_documents_docx, name="cadre_documents_docx"),
    path("cadres/<int:pk>/documents.pdf", views.cadre_documents_pdf, name="cadre_documents_pdf"),
    path("townships/<str:code>/documents.zip", views.township_documents_zip, name="township_documents_zip"),
    path("policy/", policy_views.policy, name="policy"),
]
