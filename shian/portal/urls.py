"""The public portal at /public/ (docs/portal.md §2); the public open-data API is the open API
(shian/api/open.py), served at /api/public/v1/ and /api/open/v1/."""

from django.urls import path

from .views import files, pages

app_name = "portal"

urlpatterns = [
    path("", pages.home, name="home"),
    path("b/<int:pk>/", pages.business, name="business"),
    path("editions/", pages.editions, name="editions"),
    path("editions/<int:pk>/", pages.edition, name="edition"),
    path("map/", pages.map_page, name="map"),
    path("map/points.json", pages.map_points, name="map_points"),
    path("api/", pages.api_usage, name="api"),
    path("data/", files.bulk_file, name="bulk_file"),
]
