"""The project's URLs plus the public open-data API's own mount (/api/public/v1/): the line the lead adds to
shian/urls.py at merge (docs/portal.md §3)."""

from django.urls import include, path

from shian.api.open import open_api
from shian.urls import urlpatterns as project

urlpatterns = [*project, path("api/public/v1/", include((open_api.urls[0], "public_api"), namespace="public_api"))]
