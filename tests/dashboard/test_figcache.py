"""The shared cache of the live figures (shian/core/figcache.py): a second look at a county within the
lifetime reads the last count, says when it was counted, and a write through a service in the county shows at
once. A county is kept per township: a write in one township recounts that township alone, and the figures are
those a whole count gives."""

import datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shian.core import audit, figcache
from shian.dashboard import counting, selectors
from shian.entities import services as entity_services
from shian.regions.models import Region

from .conftest import COUNTY, NOW, T1, T2, TODAY


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


@pytest.fixture
def counted(monkeypatch):
    """The prefixes the dashboard counts, in order."""
    prefixes = []
    real = selectors.count

    def spy(*, prefix, **kwargs):
        prefixes.append(prefix)
        return real(prefix=prefix, **kwargs)

    monkeypatch.setattr(selectors, "count", spy)
    return prefixes


@pytest.fixture
def townships(world):
    """昌乐县 with eight townships (six of them with no records), so that one is well under a quarter of them."""
    for n in range(2, 8):
        Region.objects.create(code=f"370725{n:03d}", name=f"第{n}镇", level=Region.Level.TOWNSHIP, parent_id=COUNTY)
    return world


def whole_count():
    return counting.count(prefix=COUNTY, depth=9, as_of=TODAY)


def test_a_write_in_one_township_recounts_that_township_alone_and_gives_the_whole_count(townships, counted):
    world = townships
    selectors.figures(user=world.county_admin, region_code=COUNTY)
    assert counted == [COUNTY]
    entity_services.deregister_entity(actor=world.county_admin, entity=world.e["e1"])  # in 宝都街道
    counted.clear()
    after = selectors.figures(user=world.county_admin, region_code=COUNTY)
    assert counted == [T1] and after.cached
    assert after.groups == whole_count() and selectors.values(after.total)["entities.total"] == 9
    counted.clear()
    assert selectors.figures(user=world.county_admin, region_code=COUNTY).groups == after.groups and counted == []


def test_a_write_at_the_county_itself_or_in_many_townships_counts_the_county_whole(townships, counted):
    world = townships
    selectors.figures(user=world.county_admin, region_code=COUNTY)
    audit.record(actor=world.county_admin, action="rule.update", object_type="core.rule", region_code=COUNTY)
    counted.clear()
    assert not selectors.figures(user=world.county_admin, region_code=COUNTY).cached and counted == [COUNTY]
    for code in (T1, T2, "370725003"):  # three of eight townships: more than a quarter
        figcache.invalidate(code)
    counted.clear()
    selectors.figures(user=world.county_admin, region_code=COUNTY)
    assert counted == [COUNTY]


def test_a_township_with_no_records_yet_is_watched_too(townships, counted):
    world = townships
    selectors.figures(user=world.county_admin, region_code=COUNTY)
    figcache.invalidate("370725005001")  # a write in a village of 第5镇, which had nothing to count
    counted.clear()
    selectors.figures(user=world.county_admin, region_code=COUNTY)
    assert counted == ["370725005"]


def test_a_write_landing_during_a_count_leaves_its_township_to_be_counted_again(townships, monkeypatch):
    world = townships
    selectors.figures(user=world.county_admin, region_code=COUNTY)
    figcache.invalidate(T1)
    real, prefixes = selectors.count, []

    def count_while_a_write_lands(*, prefix, **kwargs):
        prefixes.append(prefix)
        groups = real(prefix=prefix, **kwargs)
        if len(prefixes) == 1:
            figcache.invalidate(T1)  # written after the count read the records
        return groups

    monkeypatch.setattr(selectors, "count", count_while_a_write_lands)
    selectors.figures(user=world.county_admin, region_code=COUNTY)
    selectors.figures(user=world.county_admin, region_code=COUNTY)
    assert prefixes == [T1, T1]


def test_pieces_older_than_the_lifetime_are_counted_again_and_the_page_shows_the_oldest(townships, counted, clock):
    world = townships
    selectors.figures(user=world.county_admin, region_code=COUNTY)
    clock(NOW + datetime.timedelta(seconds=30))
    figcache.invalidate(T1)
    counted.clear()
    fig = selectors.figures(user=world.county_admin, region_code=COUNTY)
    assert counted == [T1] and fig.computed_at == NOW  # the other townships were counted at 10:00
    clock(NOW + datetime.timedelta(seconds=60))
    counted.clear()
    fig = selectors.figures(user=world.county_admin, region_code=COUNTY)
    assert counted == [COUNTY] and not fig.cached and fig.computed_at == NOW + datetime.timedelta(seconds=60)


def test_an_entity_moved_to_another_township_makes_the_next_view_count_the_county_whole(townships, counted):
    world = townships
    selectors.figures(user=world.county_admin, region_code=COUNTY)
    entity_services.update_entity(actor=world.county_admin, entity=world.e["e1"], region_code=T2)
    counted.clear()
    after = selectors.figures(user=world.county_admin, region_code=COUNTY)
    assert counted == [COUNTY] and after.groups == whole_count()
