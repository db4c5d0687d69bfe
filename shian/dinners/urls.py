from django.urls import path

from .views import chefs, dinners

app_name = "dinners"

urlpatterns = [
    path("", dinners.dinner_list, name="dinner_list"),
    path("new/", dinners.dinner_new, name="dinner_new"),
    path("<int:pk>/", dinners.dinner_detail, name="dinner_detail"),
    path("tasks/", dinners.task_list, name="task_list"),
    path("tasks/<int:pk>/", dinners.task_form, name="task_form"),
    path("chefs/", chefs.chef_list, name="chef_list"),
    path("chefs/new/", chefs.chef_new, name="chef_new"),
    path("chefs/<int:pk>/", chefs.chef_detail, name="chef_detail"),
]
