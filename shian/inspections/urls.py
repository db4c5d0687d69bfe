from django.urls import path  # noqa: F401

from .views import draws as draw_views
from .views import inspecting as inspecting_views
from .views import planning as plan_views
from .views import rectification as rectification_views
from .views import stations as station_views
from .views import tasks as task_views

app_name = "inspections"

# -- risk grading, grids, 明厨亮灶 --
from .views import grading as grading_views  # noqa: E402
from .views import grids as grid_views  # noqa: E402
from .views import kitchens as kitchen_views  # noqa: E402

grading_urls = [
    path("risk/", grading_views.risk, name="risk"),
    path("risk/run/", grading_views.risk_run, name="risk_run"),
    path("risk/schemes/", grading_views.risk_schemes, name="risk_schemes"),
    path("risk/<int:entity_id>/", grading_views.entity_risk, name="entity_risk"),
    path("risk/<int:entity_id>/adjust/", grading_views.entity_risk_adjust, name="entity_risk_adjust"),
    path("risk/<int:entity_id>/lift/", grading_views.entity_risk_lift, name="entity_risk_lift"),
    path("grids/", grid_views.grids, name="grids"),
    path("grids/assign/", grid_views.grids_assign, name="grids_assign"),
    path("grids/patrol/", grid_views.grids_patrol, name="grids_patrol"),
    path("grids/entity/<int:entity_id>/", grid_views.entity_grid, name="entity_grid"),
    path("kitchens/", kitchen_views.kitchens, name="kitchens"),
    path("kitchens/new/", kitchen_views.kitchen_create, name="kitchen_create"),
    path("kitchens/mine/", kitchen_views.kitchen_mine, name="kitchen_mine"),
    path("kitchens/import/", kitchen_views.kitchen_import, name="kitchen_import"),
    path("kitchens/template/", kitchen_views.kitchen_template, name="kitchen_template"),
    path("kitchens/<int:pk>/", kitchen_views.kitchen_edit, name="kitchen_edit"),
    path("kitchens/<int:pk>/stop/", kitchen_views.kitchen_stop, name="kitchen_stop"),
]


# -- stations, yearly plans, random draws, publication --
planning_urls = [
    path("stations/", station_views.station_list, name="stations"),
    path("stations/<int:pk>/", station_views.station_edit, name="station_edit"),
    path("conflicts/", station_views.conflicts, name="conflicts"),
    path("plans/", plan_views.plan_list, name="plans"),
    path("plans/<int:pk>/", plan_views.plan_detail, name="plan_detail"),
    path("draws/", draw_views.draw_list, name="draws"),
    path("draws/<int:pk>/", draw_views.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/verify/", draw_views.draw_verify, name="draw_verify"),
    path("draws/<int:pk>/publish/", draw_views.draw_publish, name="draw_publish"),
    path("public/draws/", draw_views.public_draws, name="public_draws"),
]


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
from .views import overview as overview_views  # noqa: E402

overview_urls = [
    path("", overview_views.overview, name="overview"),
]


urlpatterns = grading_urls + planning_urls + inspecting_urls + overview_urls
