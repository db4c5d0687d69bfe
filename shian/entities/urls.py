from django.urls import path

from . import views

app_name = "entities"
urlpatterns = [
    path("", views.entity_list, name="list"),
    path("export/", views.entity_export, name="export"),
    path("new/", views.entity_create, name="create"),
    path("licenses/expiring/", views.expiring_licenses, name="expiring"),
    path("<int:pk>/", views.entity_detail, name="detail"),
    path("<int:pk>/edit/", views.entity_edit, name="edit"),
    path("<int:pk>/deregister/", views.entity_deregister, name="deregister"),
    path("<int:pk>/licenses/new/", views.license_create, name="license_create"),
    path("<int:pk>/people/new/", views.key_person_create, name="person_create"),
]
