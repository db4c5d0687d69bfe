from django.urls import path

from .views import complaints as views
from .views import public

app_name = "complaints"

# -- complaints: intake, routing, transfers, the clock (docs/complaints.md) --
ACTIONS = ["accept", "refuse", "mediate", "decide", "extend", "tell", "close", "transfer", "receive", "match",
           "reveal"]  # fmt: skip

urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("new/", views.complaint_new, name="new"),
    path("import/", views.complaint_import, name="import"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    *[path(f"<int:pk>/{name}/", getattr(views, f"complaint_{name}"), name=name) for name in ACTIONS],
    path("public/", public.public_new, name="public_new"),
    path("public/lookup/", public.public_lookup, name="public_lookup"),
]
