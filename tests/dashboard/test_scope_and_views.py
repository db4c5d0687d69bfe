"""Who sees which figures, the page and its drill-down, the links behind the figures, xlsx exports, the API, and
the snapshots of regions above a county."""

import datetime
import io
import re

import pytest
from django.http import Http404
from django.urls import reverse
from python_calamine import CalamineWorkbook

from shian.core import kpis as registry
from shian.dashboard import selectors, services, views
from shian.dashboard.documents import fmt_value
from shian.dashboard.models import Snapshot
from shian.entities.models import Entity

from .conftest import COUNTY, NOW, T1, T2, TODAY, V1


def total_values(user, code):
    return selectors.values(selectors.figures(user=user, region_code=code).total)


def xlsx_rows(response) -> list[list]:
    data = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


def cell(value):
    """A figure as calamine reads it back: numbers as floats, None as an empty cell."""
    return "" if value is None else float(value)


# -- jurisdiction ------------------------------------------------------------------------------------------------


def test_township_admin_cannot_read_the_county(world):
    with pytest.raises(Http404):
        selectors.figures(user=world.township_admin, region_code=COUNTY)
    with pytest.raises(Http404):
        selectors.figures(user=world.township_admin, region_code=T2)
    own = selectors.figures(user=world.township_admin)  # default: the user's own jurisdiction
    assert own.code == T1 and selectors.values(own.total)["entities.total"] == 5


def test_township_admin_asking_for_the_county_gets_its_township(client, world):
    client.force_login(world.township_admin)
    page = client.get(reverse("dashboard:index"), {"region": COUNTY})
    assert page.status_code == 200 and page.context["fig"].code == T1
    assert client.get("/api/v1/dashboard/figures", {"region": COUNTY}).status_code == 404


def test_boshan_never_counts_in_changle(world):
    county = total_values(world.county_admin, COUNTY)
    boshan = total_values(world.boshan_admin, "370304")
    assert boshan["entities.total"] == 1 and boshan["problems.overdue"] == 1 and boshan["entities.lic_expiring"] == 1
    assert county["entities.total"] == 10 and county["problems.overdue"] == 2
    with pytest.raises(Http404):
        selectors.figures(user=world.county_admin, region_code="370304")
    with pytest.raises(Http404):
        selectors.figures(user=world.boshan_admin, region_code=COUNTY)
    city = selectors.figures(user=world.city_admin, region_code="3707", as_of=TODAY - datetime.timedelta(days=1))
    assert set(city.groups) == {COUNTY}  # 潍坊市 holds 昌乐县 only


def test_enterprise_gets_403(client, world):
    client.force_login(world.enterprise)
    for name in ("dashboard:index", "dashboard:series", "dashboard:export", "dashboard:reports"):
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get("/api/v1/dashboard/figures").status_code == 403


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# -- the page ----------------------------------------------------------------------------------------------------


def test_page_shows_every_kpi_card(client, world):
    client.force_login(world.county_admin)
    page = client.get(reverse("dashboard:index"), {"region": COUNTY})
    assert page.status_code == 200
    html = page.content.decode()
    assert "昌乐县" in html and "实时统计" in html
    vals = total_values(world.county_admin, COUNTY)
    cards = {c["key"]: c for c in page.context["cards"]}
    assert set(cards) == {k.key for k in registry.kpis()}
    for kpi in registry.kpis():
        assert f'data-kpi="{kpi.key}"' in html, kpi.key
        assert cards[kpi.key]["text"] == fmt_value(vals[kpi.key], str(kpi.unit))
        assert str(kpi.label) in html
    assert cards["baobao.assigned_rate"]["text"] == "60.0%" and cards["entities.total"]["text"] == "10"
    units = page.context["table"]
    assert [r["code"] for r in units] == [T1, T2]
    assert all(r["drill"] == f"{reverse('dashboard:index')}?region={r['code']}&kpi=baobao.assigned_rate" for r in units)


def test_drill_down_to_a_township_then_a_village(client, world):
    client.force_login(world.county_admin)
    page = client.get(reverse("dashboard:index"), {"region": T1})
    assert page.status_code == 200 and page.context["fig"].code == T1
    html = page.content.decode()
    assert "<h1>宝都街道" in html
    assert [r.code for r in page.context["crumbs"]] == [COUNTY, T1]
    assert [r["code"] for r in page.context["table"]] == [V1]
    assert f"?region={V1}&amp;kpi=" in html or f"?region={V1}&kpi=" in html

    page = client.get(reverse("dashboard:index"), {"region": V1, "kpi": "problems.overdue"})
    assert page.context["entity_level"] and page.context["kpi"].key == "problems.overdue"
    html = page.content.decode()
    rows = page.context["table"]
    listed = {int(r["code"]) for r in rows}
    on_register = set(Entity.objects.filter(region_id=V1).exclude(status="deregistered").values_list("pk", flat=True))
    assert listed == on_register
    for row in rows:
        url = reverse("entities:detail", args=[int(row["code"])])
        assert f'href="{url}"' in html
        assert all(c["url"] == url for c in row["cells"])
        assert row["name"] in html
    assert client.get(reverse("entities:detail", args=[world.e["e1"].pk])).status_code == 200


def test_every_kpi_link_opens_its_records(client, world):
    client.force_login(world.county_admin)
    for kpi in registry.kpis():
        assert kpi.link is not None, kpi.key
        url = kpi.link(COUNTY)
        assert "region=370725" in url, kpi.key
        response = client.get(url)
        assert response.status_code == 200, (kpi.key, url)
    for breakdown in selectors.breakdowns(selectors.figures(user=world.county_admin, region_code=COUNTY)):
        for item in breakdown["items"]:
            assert client.get(item["url"]).status_code == 200, item["url"]


@pytest.mark.parametrize("table", views.TABLES)
def test_export_matches_the_page(client, world, table):
    client.force_login(world.county_admin)
    page = client.get(reverse("dashboard:index"), {"region": COUNTY}).context
    response = client.get(reverse("dashboard:export"), {"region": COUNTY, "table": table})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    rows = xlsx_rows(response)
    header, body = rows[0], rows[1:]
    kpis = registry.kpis()
    if table == "kpis":
        assert header[:2] == ["指标", "数值"]
        vals = selectors.values(page["fig"].total)
        assert [r[0] for r in body] == [str(c["label"]) for c in page["cards"]]
        assert [r[1] for r in body] == [cell(vals[k.key]) for k in kpis]
    elif table in ("units", "ranking"):
        shown = page["table"] if table == "units" else page["ranking"]
        assert header[:2] == ["区划代码", "单位"] and len(header) == 2 + len(kpis)
        assert [(r[0], r[1]) for r in body] == [(s["code"], str(s["name"])) for s in shown]
        for r, s in zip(body, shown, strict=True):
            assert r[2:] == [cell(c["value"]) for c in s["cells"]]
    elif table == "breakdowns":
        shown = [(b["label"], i["label"], float(i["n"])) for b in page["breakdowns"] for i in b["items"]]
        assert [tuple(r) for r in body] == shown and ("按包保等级", "未分级", 2.0) in shown
    else:
        series = selectors.series(selectors.figures(user=world.county_admin, region_code=COUNTY, series=True))
        assert len(body) == sum(len(s["periods"]) for s in series)
        visits = [r for r in body if r[0] == "每周督导次数"]
        weekly = next(s for s in series if s["key"] == "visits_w")
        assert [(r[1], r[2]) for r in visits] == [
            (p, float(v)) for p, v in zip(weekly["periods"], weekly["values"], strict=True)
        ]
        assert visits[-1] == ["每周督导次数", "2026-11-23", 2.0]


def test_export_of_an_unknown_table_is_404(client, world):
    client.force_login(world.county_admin)
    assert client.get(reverse("dashboard:export"), {"table": "secrets"}).status_code == 404


def test_series_json_for_the_chart(client, world):
    client.force_login(world.county_admin)
    body = client.get(reverse("dashboard:series"), {"region": COUNTY}).json()
    assert body["as_of"] == TODAY.isoformat()
    weekly = next(s for s in body["series"] if s["key"] == "visits_w")
    assert weekly["values"][-1] == 2


# -- API ---------------------------------------------------------------------------------------------------------


def test_api_figures_series_and_reports(client, world):
    client.force_login(world.county_admin)
    body = client.get("/api/v1/dashboard/figures", {"region": COUNTY}).json()
    vals = total_values(world.county_admin, COUNTY)
    assert body["region_code"] == COUNTY and body["region_name"] == "昌乐县" and body["live"] is True
    assert {k["key"]: k["value"] for k in body["kpis"]} == vals
    assert all(k["url"] == registry.kpi(k["key"]).link(COUNTY) for k in body["kpis"])
    table = selectors.rows(selectors.figures(user=world.county_admin, region_code=COUNTY))
    assert [(a["code"], a["name"], a["values"]) for a in body["areas"]] == [
        (r["code"], r["name"], r["values"]) for r in table
    ]
    default = client.get("/api/v1/dashboard/figures").json()  # the caller's jurisdiction
    assert default["region_code"] == COUNTY and default["kpis"] == body["kpis"]

    series = client.get("/api/v1/dashboard/series", {"region": COUNTY})
    assert series.status_code == 200
    weekly = next(s for s in series.json() if s["key"] == "visits_w")
    assert weekly["values"][-1] == 2 and weekly["periods"][-1] == "2026-11-23"

    assert client.get("/api/v1/dashboard/reports").json() == []
    report = services.generate_dispatch(region=world.county_admin.region, week=datetime.date(2026, 11, 16))
    listed = client.get("/api/v1/dashboard/reports", {"region": COUNTY})
    assert listed.status_code == 200
    assert [(r["id"], r["region_code"], r["week"]) for r in listed.json()] == [(report.pk, COUNTY, "2026-11-16")]
    assert client.get(listed.json()[0]["docx_url"]).status_code == 200
    client.force_login(world.boshan_admin)
    assert client.get("/api/v1/dashboard/reports").json() == []
    assert client.get(f"/dashboard/reports/{report.pk}.docx").status_code == 404
    assert client.get("/api/v1/dashboard/figures", {"region": "3707255"}).status_code == 422


# -- snapshots above the county ------------------------------------------------------------------------------------


def test_province_reads_a_snapshot_that_adds_up_the_counties(world):
    fig = selectors.figures(user=world.province_admin)
    assert fig.code == "37" and fig.live is False and not fig.stale
    assert set(fig.groups) == {"3703", "3707"}
    changle = selectors.figures(user=world.county_admin, region_code=COUNTY)
    boshan = selectors.figures(user=world.boshan_admin, region_code="370304")
    summed = registry.total([changle.total, boshan.total])
    assert {k: v for k, v in fig.total.items() if ":" not in k or k.split(":")[0] in ("grade", "type", "close_days", "risk")} \
        == summed  # fmt: skip
    assert selectors.values(fig.total)["entities.total"] == 11
    assert Snapshot.objects.filter(region_code="37").exists()


def test_refresh_writes_a_snapshot_per_region_with_entities(world):
    assert services.refresh_snapshots() == 4
    snaps = {s.region_code: s for s in Snapshot.objects.all()}
    assert set(snaps) == {"", "37", "3707", "3703"}
    assert set(snaps[""].groups) == {"37"} and set(snaps["3707"].groups) == {COUNTY}
    assert all(s.as_of == TODAY for s in snaps.values())
    city = selectors.figures(user=world.city_admin)
    assert not city.live and city.groups == snaps["3707"].groups
    assert selectors.values(city.total) == total_values(world.county_admin, COUNTY)


def test_snapshot_changes_only_after_refresh_and_turns_stale(client, world, clock):
    services.refresh_snapshots()
    before = selectors.values(selectors.figures(user=world.province_admin).total)
    world.builder.entity("宝都新店", V1, "catering", "C", registered=None)
    assert selectors.values(selectors.figures(user=world.province_admin).total) == before
    assert total_values(world.county_admin, COUNTY)["entities.total"] == 11  # the county is live
    clock(NOW + datetime.timedelta(minutes=1))
    services.refresh_snapshots()
    after = selectors.figures(user=world.province_admin)
    assert selectors.values(after.total)["entities.total"] == before["entities.total"] + 1
    assert not after.stale

    clock(NOW + datetime.timedelta(minutes=6, seconds=1))
    stale = selectors.figures(user=world.province_admin)
    assert stale.stale and not stale.live
    client.force_login(world.province_admin)
    html = client.get(reverse("dashboard:index")).content.decode()
    assert "预计算数据" in html and "数据待刷新" in html
    assert client.get("/api/v1/dashboard/figures").json()["live"] is False
    clock(NOW + datetime.timedelta(minutes=5))
    assert not selectors.figures(user=world.province_admin).stale


def test_province_page_lists_cities_and_exports(client, world):
    services.refresh_snapshots()
    client.force_login(world.province_admin)
    page = client.get(reverse("dashboard:index"))
    assert page.status_code == 200 and [r["name"] for r in page.context["table"]] == ["淄博市", "潍坊市"]
    rows = xlsx_rows(client.get(reverse("dashboard:export"), {"table": "units"}))
    assert [r[0] for r in rows[1:]] == ["3703", "3707"]
    assert re.search(r"预计算数据，更新于 \d{4}-\d{2}-\d{2}", page.content.decode())
