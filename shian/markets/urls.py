from django.urls import path

from .views import markets, public

app_name = "markets"

urlpatterns = [
    path("", markets.market_list, name="market_list"),
    path("<int:pk>/", markets.market_detail, name="market_detail"),
    path("<int:pk>/stalls/", markets.stall_list, name="stall_list"),
    path("<int:pk>/stalls/import/", markets.stall_import, name="stall_import"),
    path("stalls/template.xlsx", markets.stall_template, name="stall_template"),
    path("stalls/<int:pk>/", markets.stall_detail, name="stall_detail"),
    path("public/<int:pk>/", public.public_market, name="public_market"),
]
