"""Enterprise accounts on a phone: the station invites a food-safety director, the invitee opens the link in a fresh
browser, chooses a username and password and lands signed in; the link then no longer works. The public
self-registration page fits the phone and refuses mismatched codes with one generic message."""

import re
import secrets

import pytest

from .test_entities import PHONE, _fits
from .test_shell import _login, _watch_console

pytestmark = pytest.mark.e2e

PASSWORD = "a-very-long-pass-phrase"


def test_station_invites_and_invitee_lands_logged_in(browser, live_url):
    station = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = station.new_page()
    errors = _watch_console(page)
    _login(page, live_url, "station")
    page.click(".nav-toggle")
    page.click("nav#mainnav >> text=企业账号")
    page.wait_for_url(f"{live_url}/accounts/enterprise/")
    _fits(page)
    page.locator("[data-testid=entity-staff-link]").first.click()
    page.wait_for_url(re.compile(r".*/accounts/entity/\d+/staff/$"))
    staff_url = page.url
    entity_name = page.locator("main p strong").first.inner_text()
    _fits(page)

    if not page.locator("#id_name").is_visible():
        page.click("[data-testid=invite-toggle]")
    page.fill("#id_name", "王小五")
    page.fill("#id_phone", "138 1234 5678")
    page.select_option("#id_entity_role", "safety_director")
    page.click("[data-testid=invite-submit]")
    link = page.locator("[data-testid=invite-link]").inner_text().strip()
    assert re.fullmatch(rf"{re.escape(live_url)}/accounts/invite/[A-Za-z0-9_-]{{43}}/", link)
    assert "不发送短信" in page.locator("[data-testid=new-invitation]").inner_text()
    _fits(page)

    invitee = browser.new_context(viewport=PHONE, locale="zh-CN")
    other = invitee.new_page()
    other_errors = _watch_console(other)
    other.goto(link)
    assert entity_name in other.locator("main").inner_text()
    _fits(other)
    username = f"director{secrets.token_hex(3)}"
    other.fill("#id_username", username)
    other.fill("#id_password", PASSWORD)
    other.fill("#id_password2", PASSWORD)
    other.click("[data-testid=accept-submit]")
    other.wait_for_url(f"{live_url}/")
    assert other.locator(".user-name").inner_text() == "王小五"
    assert other.locator(".role").inner_text() == "企业用户"
    me = other.request.get(f"{live_url}/api/v1/me").json()
    assert me["username"] == username and me["entity_role"] == "safety_director" and me["entity_id"]
    _fits(other)
    assert other_errors == []
    other.goto(link)  # spent: 410 with a message
    assert "已被使用" in other.locator("[data-testid=invite-refused]").inner_text()
    invitee.close()

    page.goto(staff_url)
    card = page.locator(f"[data-testid=account-{username}]")
    assert "食品安全总监" in card.inner_text() and "138****5678" in card.inner_text()
    assert "已接受" in page.locator("[data-testid=invitations] li").first.inner_text()
    _fits(page)
    assert errors == []
    station.close()


def test_self_registration_page_on_a_phone(browser, live_url):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    errors = _watch_console(page)
    page.goto(f"{live_url}/accounts/login/")
    page.click("[data-testid=register-link]")
    page.wait_for_url(f"{live_url}/accounts/register/")
    _fits(page)
    page.fill("#id_uscc", "９１３７０７２５ＭＡ３ＣＪＱ４Ｎ００")
    page.fill("#id_license_number", "jy23707250099999")
    page.fill("#id_phone", "13900001111")
    page.click("[data-testid=register-send-code]")
    message = page.locator("[data-testid=form-errors]").inner_text()
    assert "统一社会信用代码、许可证编号与登记的负责人手机号不一致" in message
    _fits(page)
    assert errors == []
    context.close()
