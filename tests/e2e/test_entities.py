"""The registry in a browser on a phone: search, open an entity, and every page fits 390 px."""

import re

import pytest

from .test_shell import _login, _watch_console

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def test_search_open_detail_on_a_phone(browser, live_url, tmp_path):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    errors = _watch_console(page)
    _login(page, live_url, "county")

    page.goto(f"{live_url}/entities/")
    _fits(page)
    total = page.locator("[data-testid=entity-count]").inner_text()
    page.fill("#id_q", "饭店")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r".*/entities/\?.*q=.*"))
    assert page.locator("[data-testid=entity-count]").inner_text() != total
    names = page.locator("table tbody td:first-child a")
    assert names.count() > 0 and all("饭店" in n for n in names.all_inner_texts())
    _fits(page)
    assert "q=" in page.locator("[data-testid=entity-export]").get_attribute("href")  # export keeps the search

    name = names.first.inner_text()
    names.first.click()
    page.wait_for_url(re.compile(r".*/entities/\d+/$"))
    assert page.locator("h1").inner_text() == name
    assert page.locator("[data-testid=entity-edit]").count() == 1  # the county administrator manages the registry
    page.click("details.add-form summary >> nth=0")  # open the add-licence form
    _fits(page)
    page.screenshot(path=str(tmp_path / "entity-detail-390.png"), full_page=True)

    for path in ["/entities/new/", "/entities/licenses/expiring/?days=90"]:
        page.goto(f"{live_url}{path}")
        assert page.locator("h1").count() == 1
        _fits(page)
    assert errors == []
    context.close()
