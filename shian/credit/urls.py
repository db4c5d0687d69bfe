from django.urls import path

from .views import files, insurance

app_name = "credit"

urlpatterns = [
    path("", files.rating_list, name="rating_list"),
    path("<int:entity_id>/", files.credit_file, name="file"),
    path("<int:entity_id>/corrections/", files.correction_submit, name="correction_submit"),
    path("<int:entity_id>/recompute/", files.file_recompute, name="file_recompute"),
    path("corrections/", files.correction_list, name="correction_list"),
    path("corrections/<int:pk>/", files.correction_detail, name="correction_detail"),
    path("corrections/<int:pk>/review/", files.correction_review, name="correction_review"),
    path("corrections/<int:pk>/file/", files.correction_file, name="correction_file"),
    path("insurance/", insurance.policy_list, name="policy_list"),
    path("insurance/add/", insurance.policy_add, name="policy_add"),
    path("insurance/import/", insurance.policy_import, name="policy_import"),
    path("insurance/template/", insurance.policy_template, name="policy_template"),
]
