from django.urls import path

from .views import surveys as views

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="survey_list"),
    path("new/", views.survey_new, name="survey_new"),
    path("<int:pk>/", views.survey_detail, name="survey_detail"),
    path("<int:pk>/action/", views.survey_action, name="survey_action"),
    path("<int:pk>/poster.pdf", views.survey_poster, name="survey_poster"),
    path("<int:pk>/interview/", views.interview_form, name="interview_form"),
    path("public/<int:pk>/", views.public_form, name="public_form"),
]
