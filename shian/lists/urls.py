from django.urls import path

from .views import dishonesty, editions

app_name = "lists"

urlpatterns = [
    path("", editions.edition_list, name="edition_list"),
    path("editions/new/", editions.edition_create, name="edition_create"),
    path("editions/<int:pk>/", editions.edition_detail, name="edition_detail"),
    path("editions/<int:pk>/lines/", editions.line_add, name="line_add"),
    path("editions/<int:pk>/workflow/", editions.edition_transition, name="edition_transition"),
    path("editions/<int:pk>/poster.pdf", editions.edition_poster, name="edition_poster"),
    path("lines/<int:pk>/", editions.line_change, name="line_change"),
    path("dishonesty/", dishonesty.entry_list, name="entry_list"),
    path("dishonesty/new/", dishonesty.entry_create, name="entry_create"),
    path("dishonesty/<int:pk>/", dishonesty.entry_detail, name="entry_detail"),
    path("dishonesty/<int:pk>/repair/", dishonesty.repair_apply, name="repair_apply"),
    path("dishonesty/<int:pk>/revoke/", dishonesty.entry_revoke, name="entry_revoke"),
    path("repairs/<int:pk>/review/", dishonesty.repair_review, name="repair_review"),
    path("flags/", dishonesty.flag_list, name="flag_list"),
    path("flags/<int:pk>/handle/", dishonesty.flag_handle, name="flag_handle"),
]
