from django.urls import path  # noqa: F401

app_name = "inspections"

# -- risk grading, grids, 明厨亮灶 --
grading_urls = []


# -- stations, yearly plans, random draws, publication --
planning_urls = []


# -- tasks, inspections on a phone, rectification --
inspecting_urls = []


# -- overview (dashboard), KPIs --
from .views import overview as overview_views  # noqa: E402

overview_urls = [
    path("", overview_views.overview, name="overview"),
]


urlpatterns = grading_urls + planning_urls + inspecting_urls + overview_urls
