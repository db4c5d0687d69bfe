"""KPI history: every region's parts at the end of each day, stored per region per day by a daily job; the
weekly report's change since last week and the dashboard's KPI trend read it when it exists."""

import datetime

from shian.core import kpis as registry
from shian.core import schedule
from shian.dashboard import documents, history, selectors
from shian.dashboard.counting import count
from shian.dashboard.models import KpiHistory
from shian.regions.models import Region

from .conftest import COUNTY, CST, LAST_WEEK, T1, T2, TODAY


def test_a_day_is_stored_for_every_region_down_to_the_township(world):
    day = TODAY - datetime.timedelta(days=1)
    written = history.record_day(day=day)
    stored = dict(KpiHistory.objects.filter(day=day).values_list("region_code", "parts"))
    assert written == len(stored)
    assert {"", "37", "3707", COUNTY, T1, T2, "3703", "370304", "370304001"} <= set(stored)
    live = registry.total(count(prefix=COUNTY, depth=6, as_of=day).values())
    assert stored[COUNTY] == live and stored[COUNTY]["entities"] > 0
    assert stored["37"]["entities"] == stored["3707"]["entities"] + stored["3703"]["entities"]


def test_recording_a_day_again_replaces_it(world):
    """Idempotent per day: a second run (two schedulers, a retry) leaves one row per region and day."""
    day = TODAY - datetime.timedelta(days=1)
    first = history.record_day(day=day)
    assert history.record_day(day=day) == first
    assert KpiHistory.objects.filter(day=day).count() == first
    history.record_day(day=day - datetime.timedelta(days=1))
    assert KpiHistory.objects.count() == 2 * first


def test_the_nightly_job_records_yesterday_once(world, clock):
    clock(datetime.datetime(2026, 11, 26, 1, 30, tzinfo=CST))
    assert "dashboard.kpi_history" in schedule.run_due(datetime.datetime(2026, 11, 26, 1, 30, tzinfo=CST))
    assert set(KpiHistory.objects.values_list("day", flat=True)) == {TODAY}
    assert "dashboard.kpi_history" not in schedule.run_due(datetime.datetime(2026, 11, 26, 2, 30, tzinfo=CST))


def test_the_weekly_report_reads_last_week_from_history(world):
    """The 'before' figures come from the stored night of last Sunday when there is one."""
    county = Region.objects.get(code=COUNTY)
    before = LAST_WEEK - datetime.timedelta(days=1)
    live = documents.dispatch_data(region=county, week=LAST_WEEK)
    history.record_day(day=before)
    stored = KpiHistory.objects.get(region_code=COUNTY, day=before)
    assert documents.dispatch_data(region=county, week=LAST_WEEK)["kpis"] == live["kpis"]
    stored.parts = dict(stored.parts, entities=999)  # what was stored that night is what the report shows
    stored.save()
    total = next(
        k for k in documents.dispatch_data(region=county, week=LAST_WEEK)["kpis"] if k["key"] == "entities.total"
    )
    assert total["before"] == 999


def test_the_trend_shows_rate_kpis_week_by_week_from_history(world):
    fig = selectors.figures(user=world.county_admin, region_code=COUNTY, series=True)
    assert not [s for s in selectors.series(fig) if s["unit"] == "history"]
    history.record_day(day=TODAY)
    history.record_day(day=LAST_WEEK + datetime.timedelta(days=6))
    trend = [s for s in selectors.series(fig) if s["unit"] == "history"]
    assert trend and all(len(s["values"]) == registry.SERIES_LENGTH for s in trend)
    rate = next(s for s in trend if s["key"] == "baobao.assigned_rate")
    assert rate["periods"][-1] == TODAY.isoformat() and rate["values"][-1] is not None
    assert rate["values"][-2] is not None and rate["values"][0] is None


def test_the_series_api_and_page_carry_the_trend(client, world):
    history.record_day(day=TODAY)
    client.force_login(world.county_admin)
    body = client.get(f"/api/v1/dashboard/series?region={COUNTY}").json()
    trend = next(s for s in body if s["key"] == "baobao.assigned_rate" and s["unit"] == "history")
    assert trend["values"][-1] is not None and trend["values"][0] is None
    assert any(s["unit"] == "week" for s in body)
    page = client.get(f"/dashboard/series.json?region={COUNTY}").json()
    assert any(s["unit"] == "history" for s in page["series"])
    assert client.get(f"/dashboard/export.xlsx?region={COUNTY}&table=series").status_code == 200
