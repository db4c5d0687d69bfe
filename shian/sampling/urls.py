from django.urls import path  # noqa: F401

app_name = "sampling"

# -- plans, tasks, overview --
planning_urls = []


# -- samples on a phone --
sample_urls = []


# -- lab results, disposal, cross-region notices --
result_urls = []


# -- public disclosure, 你点我检, rapid tests --
public_urls = []


urlpatterns = planning_urls + sample_urls + result_urls + public_urls
