"""A clerk imports a ledger in the browser: the worker validates it off the request while the page polls."""

import re

import pytest

from shian.entities.validators import make_uscc

from .test_entities import PHONE, _fits
from .test_shell import _login, _watch_console

pytestmark = pytest.mark.e2e

HEADER = "主体名称,统一社会信用代码,业态,细分类型,经营地址,区划代码"


def _upload(page, live_url, path) -> None:
    page.goto(f"{live_url}/ledgers/")
    page.select_option("#id_kind", "entities")
    page.set_input_files("#id_file", str(path))
    page.click("[data-testid=upload]")
    page.wait_for_url(re.compile(r".*/ledgers/\d+/$"))
    done = "[data-testid=batch-status]:not([data-status=queued]):not([data-status=running])"
    page.wait_for_selector(done, timeout=30_000)  # htmx polls the status until the worker has finished


def test_upload_good_and_bad_ledgers_on_a_phone(browser, live_url, tmp_path):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    errors = _watch_console(page)
    _login(page, live_url, "county")
    good = tmp_path / "主体台账.csv"
    rows = [
        f"浏览器测试饭店{n},{make_uscc(region='370725', org_base=f'E2E{n:05d}')},餐饮服务,小型餐馆,昌乐县测试路{n}号,370725001"
        for n in range(3)
    ]
    good.write_text("\n".join([HEADER, *rows]) + "\n", encoding="gbk")
    _upload(page, live_url, good)
    assert page.locator("[data-testid=batch-status]").get_attribute("data-status") == "committed"
    assert page.locator("[data-testid=created]").inner_text() == "3"
    _fits(page)
    bad = tmp_path / "坏台账.csv"
    bad.write_text(HEADER + "\n测试,123,餐饮服务,,某地,999999999\n", encoding="utf-8")
    _upload(page, live_url, bad)
    assert page.locator("[data-testid=batch-status]").get_attribute("data-status") == "rejected"
    assert page.locator("[data-testid=errors] tbody tr").count() >= 2
    assert page.locator("[data-testid=report]").count() == 1
    _fits(page)
    assert errors == []
    context.close()
