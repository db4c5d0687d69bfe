from django.urls import path

from . import policy_views, views

app_name = "duties"
urlpatterns = [
    path("", views.home, name="home"),
    path("daily/all-clear/", views.daily_all_clear, name="daily_all_clear"),
    path("daily/new/", views.daily_new, name="daily_new"),
    path("weekly/new/", views.weekly_new, name="weekly_new"),
    path("monthly/new/", views.monthly_new, name="monthly_new"),
    path("risks/", views.risks, name="risks"),
    path("training/", views.training, name="training"),
    path("<str:kind>/<int:pk>.<str:fmt>", views.document, name="document"),
    path("oversight/", views.oversight, name="oversight"),
    path("staffing-policy/", policy_views.staffing_policy, name="staffing_policy"),
]
