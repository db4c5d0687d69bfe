from django.urls import path  # noqa: F401

from .views import inspecting as inspecting_views
from .views import rectification as rectification_views
from .views import tasks as task_views

app_name = "inspections"

# -- risk grading, grids, 明厨亮灶 --
grading_urls = []


# -- stations, yearly plans, random draws, publication --
planning_urls = []


# -- tasks, inspections on a phone, rectification --
inspecting_urls = [
    path("tasks/", task_views.task_list, name="tasks"),
    path("entities/<int:entity_id>/tasks/new/", task_views.task_new, name="task_new"),
    path("tasks/<int:pk>/inspect/", inspecting_views.inspect, name="inspect"),
    path("records/", inspecting_views.inspection_list, name="inspections"),
    path("records/<int:pk>/", inspecting_views.inspection_detail, name="inspection_detail"),
    path("records/<int:pk>/pdf/", inspecting_views.inspection_pdf, name="inspection_pdf"),
    path("photos/<int:pk>/", inspecting_views.photo, name="photo"),
    path("orders/", rectification_views.order_list, name="orders"),
    path("orders/<int:pk>/", rectification_views.order_detail, name="order_detail"),
    path("orders/<int:pk>/answer/", rectification_views.order_answer, name="order_answer"),
    path("orders/<int:pk>/recheck/", rectification_views.order_recheck, name="order_recheck"),
]


# -- overview (dashboard), KPIs --
overview_urls = []


urlpatterns = grading_urls + planning_urls + inspecting_urls + overview_urls
