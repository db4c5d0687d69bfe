from django.urls import path

from .views import pages

app_name = "riskmodel"

urlpatterns = [
    path("", pages.priority_list, name="priority_list"),
    path("entities/<int:entity_id>/", pages.entity_score, name="entity_score"),
    path("models/", pages.model_versions, name="model_versions"),
]
