import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import DEMO_PASSWORD, ROOT

pytestmark = pytest.mark.e2e


def _watch_console(page):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def _login(page, live_url, username):
    page.goto(f"{live_url}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("[data-testid=login-form] button[type=submit]")
    page.wait_for_url(f"{live_url}/")


@pytest.mark.parametrize(
    "viewport", [{"width": 1366, "height": 768}, {"width": 390, "height": 844}], ids=["desktop", "phone"]
)
def test_login_navigate_switch_region_logout(browser, live_url, viewport, tmp_path):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    errors = _watch_console(page)
    _login(page, live_url, "county")
    assert page.locator("[data-testid=region-current]").inner_text().startswith("昌乐县")
    assert int(page.locator("[data-testid=child-count]").inner_text()) == 8  # 昌乐县's townships

    # navigate: the menu is collapsed behind a button on a phone
    if viewport["width"] < 800:
        page.click(".nav-toggle")
    page.click("nav#mainnav >> text=账号管理")
    page.wait_for_url(f"{live_url}/accounts/")
    assert page.locator("h1").inner_text() == "账号管理"
    assert page.locator("text=乡镇食安办管理员").count() == 1

    # switch region through the header switcher (htmx panel)
    page.click("[data-testid=region-current]")
    page.locator("#switcher-panel button[data-code='370725001']").click()
    page.wait_for_url(f"{live_url}/accounts/")
    assert page.locator("[data-testid=region-current]").inner_text().startswith("宝都街道")
    # the page fits the phone: nothing wider than the viewport
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.screenshot(path=str(tmp_path / f"shell-{viewport['width']}.png"), full_page=True)

    page.click("[data-testid=logout]")
    page.wait_for_url(f"{live_url}/accounts/login/")
    page.goto(f"{live_url}/")
    assert "/accounts/login/" in page.url
    assert errors == []
    context.close()


def test_schemathesis_finds_no_server_errors(live_url, server_env):
    key = subprocess.run(
        [sys.executable, "manage.py", "create_api_token", "admin", "--name", "schemathesis"],
        cwd=ROOT,
        env=server_env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("schemathesis")),
            "run",
            f"{live_url}/api/v1/openapi.json",
            "-H",
            f"Authorization: Bearer {key}",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "25",
            "--seed",
            "1",
            "--request-timeout",
            "20",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
