"""Issue 26 item 3 in a browser (docs/markets.md): the demo market's own account, on a 390 px phone, posts a failed
rapid test for a stall; the stall is put on hold on the market's page; a shopper without an account sees the
failure on the public board, with no person's name or phone."""

import re

import pytest

from .test_entities import PHONE, _fits
from .test_shell import _login, _watch_console

pytestmark = pytest.mark.e2e


def test_a_market_posts_a_failed_test_on_a_phone_and_the_public_board_shows_it(browser, live_url):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    errors = _watch_console(page)
    _login(page, live_url, "market")
    page.goto(f"{live_url}/markets/")
    assert re.search(r"/markets/\d+/$", page.url), page.url  # the market's account lands on its market
    market_id = page.url.rstrip("/").rsplit("/", 1)[1]
    _fits(page)
    form = page.locator("form", has=page.locator("input[name=action][value=test]"))
    form.locator("select[name=stall]").select_option(label="B10")  # the last stall: not yet tested today
    form.locator("input[name=product]").fill("豇豆")
    form.locator("select[name=result]").select_option("fail")
    form.locator("input[name=tester]").fill("市场检测员")
    form.locator("button[type=submit]").click()
    row = page.locator("[data-testid=stall-B10]")
    row.locator("[data-testid=on-hold]").wait_for()
    assert "豇豆" in row.locator("[data-testid=failed-test]").inner_text()
    _fits(page)

    public = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    public.goto(f"{live_url}/markets/public/{market_id}/")
    assert "/accounts/login/" not in public.url
    stall = public.locator("[data-testid=public-stall-B10]")
    assert "豇豆" in stall.locator("[data-testid=public-failed]").inner_text()
    _fits(public)
    text = public.inner_text("body")
    assert "市场检测员" not in text and not re.search(r"1[3-9]\d{9}|\*{4}", text)
    assert errors == []
