from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from shian.accounts.access import ANYONE
from shian.api.main import api
from shian.api.open import open_api
from shian.core import views as core_views
from shian.core.access import access
from shian.trace.urls import public_urlpatterns as trace_public
from shian.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("accounts/", include("shian.accounts.urls")),
    path("regions/", include("shian.regions.urls")),
    path("entities/", include("shian.entities.urls")),
    path("baobao/", include("shian.baobao.urls")),
    path("ledgers/", include("shian.ledgers.urls")),
    path("visits/", include("shian.visits.urls")),
    path("knowledge/", include("shian.knowledge.urls")),
    path("duties/", include("shian.duties.urls")),
    path("inspections/", include("shian.inspections.urls")),
    path("sampling/", include("shian.sampling.urls")),
    path("complaints/", include("shian.complaints.urls")),
    path("cases/", include("shian.cases.urls")),
    path("emergency/", include("shian.emergency.urls")),
    path("lists/", include("shian.lists.urls")),
    path("notices/", include("shian.notices.urls")),
    path("markets/", include("shian.markets.urls")),
    path("dinners/", include("shian.dinners.urls")),
    path("foodborne/", include("shian.foodborne.urls")),
    path("surveys/", include("shian.surveys.urls")),
    path("commission/", include("shian.commission.urls")),
    path("evaluation/", include("shian.evaluation.urls")),
    path("warnings/", include("shian.warnings.urls")),
    path("credit/", include("shian.credit.urls")),
    path("riskmodel/", include("shian.riskmodel.urls")),
    path("trace/", include("shian.trace.urls")),
    path("public/trace/", include(trace_public)),
    path("public/", include("shian.portal.urls")),
    path("dashboard/", include("shian.dashboard.urls")),
    path("core/", include("shian.core.urls")),
    path("i18n/setlang/", access(ANYONE)(set_language), name="set_language"),
    path("api/v1/", api.urls),
    path("api/public/v1/", open_api.urls),
    path("api/open/v1/", include((open_api.urls[0], "open_api_v1"), namespace="open_api_v1")),
    path("admin/", admin.site.urls),
]
