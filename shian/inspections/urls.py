from django.urls import path  # noqa: F401

from .views import draws as draw_views
from .views import planning as plan_views
from .views import stations as station_views

app_name = "inspections"

# -- risk grading, grids, 明厨亮灶 --
grading_urls = []


# -- stations, yearly plans, random draws, publication --
planning_urls = [
    path("stations/", station_views.station_list, name="stations"),
    path("stations/<int:pk>/", station_views.station_edit, name="station_edit"),
    path("conflicts/", station_views.conflicts, name="conflicts"),
    path("plans/", plan_views.plan_list, name="plans"),
    path("plans/<int:pk>/", plan_views.plan_detail, name="plan_detail"),
    path("draws/", draw_views.draw_list, name="draws"),
    path("draws/<int:pk>/", draw_views.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/verify/", draw_views.draw_verify, name="draw_verify"),
    path("draws/<int:pk>/publish/", draw_views.draw_publish, name="draw_publish"),
    path("public/draws/", draw_views.public_draws, name="public_draws"),
]


# -- tasks, inspections on a phone, rectification --
inspecting_urls = []


# -- overview (dashboard), KPIs --
overview_urls = []


urlpatterns = grading_urls + planning_urls + inspecting_urls + overview_urls
