"""包保 in a browser: a leader reads the overview and the map on a phone; a cadre confirms the commitment."""

import re

import pytest

from .test_entities import PHONE, _fits
from .test_shell import _login, _watch_console

pytestmark = pytest.mark.e2e


def test_overview_map_and_runs_on_a_phone(browser, live_url):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    errors = _watch_console(page)
    _login(page, live_url, "county")
    page.goto(f"{live_url}/baobao/")
    assert int(page.locator("[data-testid=graded]").inner_text()) > 0
    _fits(page)
    page.goto(f"{live_url}/baobao/guarantees/")
    page.wait_for_selector("#baobao-map canvas")  # ECharts drew the points
    _fits(page)
    page.goto(f"{live_url}/baobao/runs/")
    page.locator("[data-testid=run-table] a").first.click()
    page.wait_for_url(re.compile(r".*/baobao/runs/\d+/$"))
    assert page.locator("[data-testid=assigned]").inner_text() != "0"
    _fits(page)
    assert errors == []
    context.close()


def test_cadre_confirms_the_commitment_and_downloads_the_lists(browser, live_url):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    errors = _watch_console(page)
    _login(page, live_url, "cadre")
    page.goto(f"{live_url}/baobao/")
    page.click("[data-testid=own-cadre]")
    page.wait_for_url(re.compile(r".*/baobao/cadres/\d+/$"))
    _fits(page)
    page.click("[data-testid=commitment-confirm]")
    page.wait_for_url(re.compile(r".*/baobao/cadres/\d+/$"))
    assert "已于" in page.locator("[data-testid=commitment]").inner_text()
    for testid, kind in (("download-docx", "wordprocessingml"), ("download-pdf", "application/pdf")):
        href = page.locator(f"[data-testid={testid}]").get_attribute("href")
        response = page.request.get(f"{live_url}{href}")
        assert response.status == 200 and kind in response.headers["content-type"]
    assert errors == []
    context.close()
