"""The shared cache of the live figures (shian/core/figcache.py): a second look at a county within the
lifetime reads the last count, says when it was counted, and a write through a service in the county shows at
once."""

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shian.core import audit, figcache
from shian.dashboard import selectors
from shian.entities import services as entity_services

from .conftest import COUNTY, NOW, T1


def entities_total(page) -> str:
    return next(c["text"] for c in page.context["cards"] if c["key"] == "entities.total")


def test_the_suite_runs_on_an_empty_in_memory_cache():
    assert caches[figcache.ALIAS].__class__.__name__ == "LocMemCache"
    assert caches[figcache.ALIAS].get("dashboard:gen") is None


def test_a_second_look_reads_the_last_count_and_says_when(client, world):
    first = selectors.figures(user=world.county_admin, region_code=COUNTY)
    assert not first.cached
    with CaptureQueriesContext(connection) as queries:
        again = selectors.figures(user=world.county_admin, region_code=COUNTY)
    assert again.cached and again.live and again.groups == first.groups and again.computed_at == first.computed_at
    assert len(queries) == 1  # the region itself; no record is counted again
    client.force_login(world.county_admin)
    html = client.get(reverse("dashboard:index"), {"region": COUNTY}).content.decode()
    assert first.computed_at == NOW and "实时统计，数据更新于 10:00" in html  # the pinned clock's 10:00


def test_a_write_in_the_county_shows_on_the_dashboard_at_once(client, world):
    client.force_login(world.county_admin)
    before = client.get(reverse("dashboard:index"), {"region": COUNTY})
    assert entities_total(before) == "10"
    assert client.get(reverse("dashboard:index"), {"region": COUNTY}).context["fig"].cached
    township = selectors.figures(user=world.county_admin, region_code=T1)
    assert selectors.values(township.total)["entities.total"] == 5

    entity_services.deregister_entity(actor=world.county_admin, entity=world.e["e1"])  # in 宝都街道

    after = client.get(reverse("dashboard:index"), {"region": COUNTY})
    assert not after.context["fig"].cached and entities_total(after) == "9"
    township = selectors.figures(user=world.county_admin, region_code=T1)
    assert not township.cached and selectors.values(township.total)["entities.total"] == 4


def test_a_write_in_another_county_leaves_the_count(world):
    selectors.figures(user=world.county_admin, region_code=COUNTY)
    entity_services.deregister_entity(actor=world.boshan_admin, entity=world.e["e12"])  # 博山区
    assert selectors.figures(user=world.county_admin, region_code=COUNTY).cached
    assert not selectors.figures(user=world.boshan_admin, region_code="370304").cached


def test_a_write_with_no_region_drops_every_count(world):
    selectors.figures(user=world.county_admin, region_code=COUNTY)
    audit.record(actor=world.county_admin, action="rule.update", object_type="core.rule", object_id="1")
    assert not selectors.figures(user=world.county_admin, region_code=COUNTY).cached


def test_lifetime_zero_counts_every_time(settings, world):
    settings.SHIAN_FIGURES_CACHE_SECONDS = 0
    selectors.figures(user=world.county_admin, region_code=COUNTY)
    assert not selectors.figures(user=world.county_admin, region_code=COUNTY).cached
