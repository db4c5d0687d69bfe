"""An enterprise keeps its day's check in one tap and its week's report on a phone; the county sees completion."""

import pytest

from .test_entities import PHONE, _fits
from .test_shell import _login, _watch_console

pytestmark = pytest.mark.e2e


def test_daily_check_in_one_tap_weekly_report_and_oversight(browser, live_url):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    errors = _watch_console(page)
    _login(page, live_url, "enterprise")
    page.goto(f"{live_url}/duties/")
    _fits(page)
    page.click("[data-testid=daily-all-clear]")
    page.wait_for_selector("[data-testid=today-done]")
    page.click("[data-testid=weekly-new]")
    page.fill("#id_conclusion", "本周食品安全状况良好")
    page.click("[data-testid=weekly-submit]")
    page.wait_for_selector("[data-testid=weekly-docx]")
    href = page.locator("[data-testid=weekly-docx]").first.get_attribute("href")
    response = page.request.get(f"{live_url}{href}")
    assert response.status == 200 and "wordprocessingml" in response.headers["content-type"]
    _fits(page)
    assert errors == []
    context.close()

    leader = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = leader.new_page()
    _login(page, live_url, "county")
    page.goto(f"{live_url}/duties/oversight/")
    assert float(page.locator("[data-testid=daily-rate]").inner_text().rstrip("%")) > 0
    _fits(page)
    leader.close()
