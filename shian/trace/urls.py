from django.urls import path

from .views import batches, events, importing, public, recalls

app_name = "trace"

urlpatterns = [
    path("", batches.overview, name="overview"),
    path("products/", batches.product_list, name="product_list"),
    path("products/<int:pk>/", batches.product_detail, name="product_detail"),
    path("batches/<int:pk>/", batches.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/labels.pdf", batches.batch_labels, name="batch_labels"),
    path("batches/<int:pk>/revoke/", batches.batch_revoke, name="batch_revoke"),
    path("scan/", events.scan, name="scan"),
    path("import/", importing.import_page, name="import"),
    path("import/template.xlsx", importing.import_template, name="import_template"),
    path("scan/<str:code>/", events.handover, name="handover"),
    path("recalls/", recalls.recall_list, name="recall_list"),
    path("recalls/new/<int:pk>/", recalls.recall_new, name="recall_new"),
    path("recalls/from-sample/<int:pk>/", recalls.recall_from_sample, name="recall_from_sample"),
    path("recalls/<int:pk>/", recalls.recall_detail, name="recall_detail"),
    path("recalls/<int:pk>/confirm/", recalls.recall_confirm, name="recall_confirm"),
]

public_urlpatterns = ([path("<str:code>/", public.scan_page, name="scan")], "trace_public")
