from django.urls import path  # noqa: F401

app_name = "sampling"

# -- plans, tasks, overview --
from .views import plans as plan_views  # noqa: E402

planning_urls = [
    path("", plan_views.overview, name="overview"),
    path("plans/", plan_views.plan_list, name="plans"),
    path("plans/new/", plan_views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", plan_views.plan_detail, name="plan_detail"),
    path("tasks/", plan_views.task_list, name="tasks"),
    path("population/", plan_views.population, name="population"),
    path("population/save/", plan_views.population_save, name="population_save"),
]


# -- samples on a phone --
from .views import samples as sample_views  # noqa: E402

sample_urls = [
    path("samples/", sample_views.sample_list, name="samples"),
    path("samples/new/", sample_views.sample_new, name="sample_new"),
    path("samples/<int:pk>/", sample_views.sample_detail, name="sample_detail"),
    path("samples/<int:pk>/sent/", sample_views.sample_sent, name="sample_sent"),
    path("samples/<int:pk>/received/", sample_views.sample_received, name="sample_received"),
    path("samples/<int:pk>/pdf/", sample_views.sample_pdf, name="sample_pdf"),
    path("sample-photos/<int:pk>/", sample_views.sample_photo, name="sample_photo"),
]


# -- lab results, disposal, cross-region notices --
from .views import results as result_views  # noqa: E402

result_urls = [
    path("results/import/", result_views.lab_import, name="lab_import"),
    path("results/import/<int:pk>/", result_views.lab_batch, name="lab_batch"),
    path("results/import/<int:pk>/report/", result_views.lab_batch_report, name="lab_batch_report"),
    path("results/template/", result_views.lab_template, name="lab_template"),
    path("samples/<int:pk>/results/", result_views.sample_results, name="sample_results"),
    path("disposals/", result_views.disposal_list, name="disposals"),
    path("disposals/<int:pk>/", result_views.disposal_detail, name="disposal_detail"),
    path("disposal-files/<int:pk>/", result_views.disposal_file, name="disposal_file"),
    path("notices/", result_views.notice_list, name="notices"),
    path("notices/<int:pk>/", result_views.notice_detail, name="notice_detail"),
]


# -- public disclosure, 你点我检, rapid tests --
from .views import campaigns as campaign_views  # noqa: E402
from .views import public as public_views  # noqa: E402
from .views import rapid as rapid_views  # noqa: E402

public_urls = [
    path("public/", public_views.public_results, name="public_results"),
    path("public/campaigns/", campaign_views.public_campaigns, name="public_campaigns"),
    path("public/campaigns/<int:pk>/", campaign_views.public_campaign, name="public_campaign"),
    path("publishing/", public_views.publishing, name="publishing"),
    path("publishing/month/", public_views.publish_month, name="publish_month"),
    path("samples/<int:pk>/publish/", public_views.sample_publish, name="sample_publish"),
    path("samples/<int:pk>/withdraw/", public_views.sample_withdraw, name="sample_withdraw"),
    path("campaigns/", campaign_views.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/", campaign_views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/action/", campaign_views.campaign_action, name="campaign_action"),
    path("rapid/", rapid_views.rapid_rooms, name="rapid_rooms"),
    path("rapid/<int:pk>/", rapid_views.rapid_room, name="rapid_room"),
]


urlpatterns = planning_urls + sample_urls + result_urls + public_urls
