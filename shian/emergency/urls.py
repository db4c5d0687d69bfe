from django.urls import path

from .views import incidents, opinions, plans

app_name = "emergency"

urlpatterns = [
    path("", plans.readiness, name="readiness"),
    path("incidents/", incidents.incident_list, name="incidents"),
    path("incidents/new/", incidents.incident_new, name="incident_new"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/report/", incidents.incident_report, name="incident_report"),
    path("incidents/<int:pk>/link/", incidents.incident_link, name="incident_link"),
    path("incidents/<int:pk>/close/", incidents.incident_close, name="incident_close"),
    path("opinions/", opinions.opinion_list, name="opinions"),
    path("opinions/new/", opinions.opinion_new, name="opinion_new"),
    path("opinions/<int:pk>/", opinions.opinion_detail, name="opinion_detail"),
    path("opinions/<int:pk>/feedback/", opinions.opinion_feedback, name="opinion_feedback"),
    path("opinions/<int:pk>/verify/", opinions.opinion_verify, name="opinion_verify"),
    path("opinions/<int:pk>/close/", opinions.opinion_close, name="opinion_close"),
    path("plans/", plans.plan_list, name="plans"),
    path("plans/new/", plans.plan_new, name="plan_new"),
    path("plans/<int:pk>/file/", plans.plan_file, name="plan_file"),
    path("exercises/", plans.exercise_list, name="exercises"),
    path("exercises/new/", plans.exercise_new, name="exercise_new"),
    path("exercises/<int:pk>/file/", plans.exercise_file, name="exercise_file"),
]
