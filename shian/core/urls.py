from django.urls import path

from . import rule_views, views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit, name="audit"),
    path("operations/", views.operations, name="operations"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("rules/", rule_views.rule_list, name="rules"),
    path("rules/<str:code>/", rule_views.rule_detail, name="rule_detail"),
]
