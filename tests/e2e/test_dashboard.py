"""一张图 in a browser: the county's map drawn from the demo's township boundaries, a tile fallback where a region
has none, figures that open their records, drill-down, and a dispatch report generated and downloaded."""

import re
import zipfile

import pytest

from shian.core import kpis as registry

from .test_entities import PHONE, _fits
from .test_shell import _login, _watch_console

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 768}
COUNTY = "370725"


def _open_dashboard(page, live_url, region=COUNTY):
    page.goto(f"{live_url}/dashboard/?region={region}")
    page.wait_for_selector("[data-testid=units]")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_map_figures_and_drill_down(browser, live_url, viewport, tmp_path):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    errors = _watch_console(page)
    _login(page, live_url, "county")

    _open_dashboard(page, live_url)
    assert page.locator("h1").inner_text().startswith("昌乐县")
    page.wait_for_selector("#dash-map canvas")  # ECharts drew the township boundaries the demo loaded
    assert page.locator("#dash-tiles").is_hidden()
    assert "边界来源" in page.locator("#dash-map-note").inner_text()
    page.wait_for_selector("#dash-trend canvas")
    assert page.locator(".dash-kpis a.kpi").count() == len(registry.kpis())  # one card per registered KPI
    page.screenshot(path=tmp_path / "county.png", full_page=True)
    if viewport == PHONE:
        _fits(page)

    # a figure opens the records behind it
    total = page.locator(".dash-kpis a.kpi[data-kpi='entities.total'] .n")
    shown = int(re.sub(r"\D", "", total.inner_text()))
    assert shown > 0
    total.click()
    page.wait_for_url(re.compile(r".*/entities/\?region=370725$"))
    assert page.locator("[data-testid=entity-count]").is_visible()

    # a township in the units table drills down; its villages have no boundaries, so tiles stand in
    _open_dashboard(page, live_url)
    township = page.locator("[data-testid=units] tbody tr td:first-child a").first
    name = township.inner_text()
    township.click()
    page.wait_for_url(re.compile(r".*/dashboard/\?region=370725\d{3}&kpi=.*"))
    assert page.locator("h1").inner_text().startswith(name)
    assert page.locator("nav.crumbs").inner_text().startswith("昌乐县")
    page.wait_for_selector("#dash-tiles .tile")
    assert page.locator("#dash-map").is_hidden()
    assert "尚未载入下级边界" in page.locator("#dash-map-note").inner_text()
    page.screenshot(path=tmp_path / "township.png", full_page=True)
    if viewport == PHONE:
        _fits(page)

    # and a village lists its entities, each opening the entity's page
    page.locator("[data-testid=units] tbody tr td:first-child a").first.click()
    page.wait_for_url(re.compile(r".*/dashboard/\?region=370725\d{6}&kpi=.*"))
    entity = page.locator("[data-testid=units] tbody tr td:first-child a").first
    entity.click()
    page.wait_for_url(re.compile(r".*/entities/\d+/$"))
    assert errors == []
    context.close()


def test_generate_and_download_a_dispatch_report(browser, live_url, tmp_path):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    errors = _watch_console(page)
    _login(page, live_url, "county")
    page.goto(f"{live_url}/dashboard/reports/?region={COUNTY}")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r".*/dashboard/reports/#report-\d+$"))
    row = page.locator(f"#{page.url.rsplit('#', 1)[1]}")
    assert row.locator("td").first.inner_text() == "昌乐县"
    page.screenshot(path=tmp_path / "reports.png", full_page=True)
    with page.expect_download() as download:
        row.get_by_role("link", name="Word").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".docx" and "调度周报" in path.name
    with zipfile.ZipFile(path) as docx:
        assert "word/document.xml" in docx.namelist()
        assert "昌乐县食品安全工作调度周报" in docx.read("word/document.xml").decode()
    assert errors == []
    context.close()
