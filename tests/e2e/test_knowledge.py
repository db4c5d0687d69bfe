"""监督抽考 on a phone: the station schedules a test for the demo enterprise's entity, the enterprise account
sits it on one screen with a countdown (answers saved as it goes), hands it in and sees its result, and the
station's results count it. Every page fits 390 px and the browser reports no errors (CSP included)."""

import re

import pytest
from playwright.sync_api import expect

from .test_entities import PHONE, _fits
from .test_shell import _login, _watch_console

pytestmark = pytest.mark.e2e


def _own_entity(browser, live_url) -> dict:
    context = browser.new_context()
    page = context.new_page()
    _login(page, live_url, "enterprise")
    entity = page.request.get(f"{live_url}/api/v1/entities").json()["items"][0]
    context.close()
    return entity


def test_station_schedules_enterprise_sits_result_shows(browser, live_url, tmp_path):
    entity = _own_entity(browser, live_url)

    # the station schedules a test for all posts of the enterprise's entity
    station = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = station.new_page()
    errors = _watch_console(page)
    _login(page, live_url, "station")
    page.goto(f"{live_url}/knowledge/")
    _fits(page)
    page.click("[data-testid=schedule-link]")
    page.wait_for_url(f"{live_url}/knowledge/tests/new/")
    _fits(page)
    page.fill("#id_title", "餐饮服务单位食品安全知识抽考")
    page.fill("#id_question_count", "5")
    page.fill("[data-testid=entity-search]", entity["name"])
    page.click("[data-testid=entity-search-submit]")
    page.check(f"[data-testid=entity-{entity['id']}]")
    _fits(page)
    page.screenshot(path=str(tmp_path / "knowledge-schedule-390.png"), full_page=True)
    page.click("[data-testid=schedule-submit]")
    page.wait_for_url(re.compile(r".*/knowledge/tests/\d+/$"))
    test_url = page.url
    assert page.locator("[data-testid=kpi-targeted]").inner_text() == "1"
    assert page.locator("[data-testid=kpi-taken]").inner_text() == "0"
    _fits(page)

    # the enterprise account is told, opens the test and sits it
    owner = browser.new_context(viewport=PHONE, locale="zh-CN")
    sitter = owner.new_page()
    owner_errors = _watch_console(sitter)
    _login(sitter, live_url, "enterprise")
    assert sitter.locator("[data-testid=notifications-link] .badge").count() == 1
    sitter.goto(f"{live_url}/knowledge/")
    _fits(sitter)
    test_id = test_url.rstrip("/").rsplit("/", 1)[1]
    sitter.click(f"[data-testid=pending-{test_id}]")
    sitter.click("[data-testid=start-attempt]")
    sitter.wait_for_url(re.compile(r".*/knowledge/attempts/\d+/$"))
    attempt_url = sitter.url
    questions = sitter.locator("li.k-question")
    assert questions.count() == 5
    clock = sitter.locator("[data-testid=countdown]")
    assert re.fullmatch(r"\d\d:\d\d", clock.inner_text())
    first = clock.inner_text()
    expect(clock).not_to_have_text(first, timeout=5000)  # the clock runs (knowledge/take.js)
    _fits(sitter)
    for n in range(1, 6):
        sitter.locator(f"[data-testid=question-{n}] input").first.check()
    sitter.wait_for_selector("#save-status:has-text('已自动保存')")
    sitter.screenshot(path=str(tmp_path / "knowledge-paper-390.png"), full_page=True)
    sitter.reload()  # the saved answers come back with the page
    assert sitter.locator("[data-testid=question-1] input:checked").count() == 1
    sitter.click("[data-testid=submit-paper]")
    sitter.wait_for_selector("[data-testid=result-verdict]")
    assert sitter.url == attempt_url
    assert sitter.locator("[data-testid=result-verdict]").inner_text() in ("合格", "不合格")
    assert re.search(r"得分 \d+ / \d+", sitter.locator("[data-testid=result-score]").inner_text())
    _fits(sitter)
    sitter.screenshot(path=str(tmp_path / "knowledge-result-390.png"), full_page=True)
    sitter.goto(f"{live_url}/knowledge/")
    assert sitter.locator("[data-testid=my-results] li.card").count() >= 1
    assert errors == [] and owner_errors == []
    owner.close()

    # the station's results count the paper
    page.goto(test_url)
    assert page.locator("[data-testid=kpi-taken]").inner_text() == "1"
    assert page.locator("[data-testid=people] li.card").count() >= 1
    _fits(page)
    page.screenshot(path=str(tmp_path / "knowledge-results-390.png"), full_page=True)
    station.close()
