from django.urls import path

from . import views

app_name = "baobao"
urlpatterns = [
    path("cadres/", views.cadre_list, name="cadres"),
]
