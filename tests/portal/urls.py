"""The project's URLs with the public open-data API mounted as the lead wires it at merge (docs/portal.md §3): the
one open API object at /api/public/v1/ (its own namespace, so its OpenAPI document names the new path) and, for the
clients of the old path, at /api/open/v1/ under a second namespace."""

from django.urls import include, path

from shian.api.open import open_api
from shian.urls import urlpatterns as project

OLD = "api/open/v1/"

urlpatterns = [
    *[p for p in project if str(p.pattern) != OLD],
    path("api/public/v1/", open_api.urls),
    path(OLD, include((open_api.urls[0], "open_api_v1"), namespace="open_api_v1")),
]
