from django.urls import path

from .views import notices as views
from .views import types as type_views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="notice_list"),
    path("new/", views.notice_new, name="notice_new"),
    path("types/", type_views.type_list, name="type_list"),
    path("<int:pk>/", views.notice_detail, name="notice_detail"),
    path("<int:pk>/issue/", views.notice_issue, name="notice_issue"),
    path("<int:pk>/delivery/", views.notice_deliver, name="notice_deliver"),
    path("<int:pk>/reply/", views.notice_reply, name="notice_reply"),
    path("<int:pk>/review/", views.notice_review, name="notice_review"),
    path("<int:pk>/document/", views.notice_document, name="notice_document"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment_file"),
]
