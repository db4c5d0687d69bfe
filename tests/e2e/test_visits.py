"""The visit loop on a phone: a cadre visits and signs, the enterprise rectifies, the cadre closes (销号), and
coverage counts it; offline, the signed visit waits on the phone and is stored exactly once when back online."""

import re

import pytest
from PIL import Image

from .test_entities import PHONE, _fits
from .test_shell import _login, _watch_console

pytestmark = pytest.mark.e2e


def _jpeg(path) -> str:
    Image.new("RGB", (1200, 900), (180, 60, 30)).save(path, format="JPEG")
    return str(path)


def _own_entity(browser, live_url) -> dict:
    """The demo enterprise account's entity (the demo cadre guarantees it)."""
    context = browser.new_context()
    page = context.new_page()
    _login(page, live_url, "enterprise")
    entity = page.request.get(f"{live_url}/api/v1/entities").json()["items"][0]
    context.close()
    return entity


def _fill_and_sign(page, fail_position=None, note="", photo=None):
    items = page.locator("li.item")
    for n in range(1, items.count() + 1):
        result = "fail" if n == fail_position else "pass"
        page.check(f"[data-testid=result-{n}-{result}]")
    if fail_position:
        page.fill(f"[data-testid=note-{fail_position}]", note)
        if photo:
            page.set_input_files(f"[data-testid=photo-{fail_position}]", photo)
    label = page.locator("label[for=signer_name]").inner_text()
    page.fill("[data-testid=signer-name]", re.search(r"“(.+)”", label).group(1))
    page.click("[data-testid=sign-submit]")


def _visits_of(page, live_url, entity_id) -> int:
    return page.request.get(f"{live_url}/api/v1/visits/visits?entity_id={entity_id}").json()["count"]


def test_visit_problem_evidence_closure_and_coverage(browser, live_url, tmp_path):
    entity = _own_entity(browser, live_url)
    cadre = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = cadre.new_page()
    errors = _watch_console(page)
    _login(page, live_url, "cadre")
    page.goto(f"{live_url}/visits/")
    assert page.locator(f"[data-testid=entity-{entity['id']}]").count() == 1
    _fits(page)
    page.goto(f"{live_url}/visits/entities/{entity['id']}/new/")
    _fits(page)
    _fill_and_sign(page, fail_position=6, note="从业人员健康证过期", photo=_jpeg(tmp_path / "kitchen.jpg"))
    page.wait_for_url(re.compile(r".*/visits/records/\d+/$"))
    assert "已锁定" in page.locator("[data-testid=signed]").inner_text()
    assert page.locator("img.thumb").count() == 1
    assert page.locator("input[type=radio]").count() == 0  # nothing left to edit, only an addendum
    _fits(page)
    problem_url = page.locator("a[href*='/visits/problems/']").first.get_attribute("href")

    owner = browser.new_context(viewport=PHONE, locale="zh-CN")
    owner_page = owner.new_page()
    owner_errors = _watch_console(owner_page)
    _login(owner_page, live_url, "enterprise")
    assert owner_page.locator("[data-testid=notifications-link] .badge").count() == 1
    owner_page.goto(f"{live_url}{problem_url}")
    _fits(owner_page)
    owner_page.fill("#note", "已为该员工补办健康证")
    owner_page.set_input_files("#files", _jpeg(tmp_path / "certificate.jpg"))
    owner_page.click("[data-testid=evidence-submit]")
    owner_page.wait_for_selector("[data-testid=problem-status]:has-text('已提交整改')")
    owner.close()

    page.goto(f"{live_url}{problem_url}")
    page.fill("#close-note", "已核验健康证")
    page.click("[data-testid=close-problem]")
    page.wait_for_selector("[data-testid=problem-status]:has-text('已销号')")
    _fits(page)
    assert errors == [] and owner_errors == []
    cadre.close()

    leader = browser.new_context(viewport=PHONE, locale="zh-CN")
    leader_page = leader.new_page()
    _login(leader_page, live_url, "county")
    leader_page.goto(f"{live_url}/visits/coverage/")
    assert int(leader_page.locator("[data-testid=cov-visited]").inner_text()) >= 1
    assert int(leader_page.locator("[data-testid=cov-visits]").inner_text()) >= 1
    _fits(leader_page)
    leader.close()


def test_offline_visit_is_stored_once_when_back_online(browser, live_url):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    errors = _watch_console(page)
    _login(page, live_url, "cadre")
    page.goto(f"{live_url}/visits/?q=")
    link = page.locator("[data-testid=start-visit]").nth(1)
    entity_id = int(re.search(r"/entities/(\d+)/", link.get_attribute("href")).group(1))
    before = _visits_of(page, live_url, entity_id)
    link.click()
    page.wait_for_selector("#visit-form")
    context.set_offline(True)
    _fill_and_sign(page)
    page.wait_for_selector("[data-testid=outbox-status]:has-text('已保存在本机')")
    context.set_offline(False)
    page.wait_for_selector("[data-testid=outbox-status]:has-text('已提交')", timeout=45_000)
    page.evaluate("window.dispatchEvent(new Event('online'))")  # a second flush finds nothing left to send
    page.reload()
    assert _visits_of(page, live_url, entity_id) == before + 1
    assert [e for e in errors if "ERR_INTERNET_DISCONNECTED" not in e] == []
    context.close()


DRAFT_PHOTOS = """async () => {
  const count = () => new Promise((resolve) => {
    const open = indexedDB.open("shian-outbox");
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains("drafts")) { db.close(); resolve(0); return; }
      const request = db.transaction("drafts").objectStore("drafts").count();
      request.onsuccess = () => { db.close(); resolve(request.result); };
    };
    open.onerror = () => resolve(0);
  });
  for (let n = 0; n < 50; n++) {
    if (await count()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}"""


def test_offline_draft_keeps_its_photos_across_a_reload(browser, live_url, tmp_path):
    """A photo chosen for a draft visit is still in its input after the page is reloaded (kept as a Blob in
    IndexedDB with the draft), and is signed with the visit."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    errors = _watch_console(page)
    _login(page, live_url, "cadre")
    page.goto(f"{live_url}/visits/?q=")
    page.locator("[data-testid=start-visit]").nth(2).click()
    page.wait_for_selector("#visit-form")
    page.check("[data-testid=result-1-fail]")
    page.fill("[data-testid=note-1]", "冷藏柜温度超标")
    page.set_input_files("[data-testid=photo-1]", _jpeg(tmp_path / "fridge.jpg"))
    assert page.evaluate(DRAFT_PHOTOS)
    page.reload()
    page.wait_for_selector("#visit-form")
    restored = "() => [...document.querySelector('[data-testid=photo-1]').files].map((f) => f.name)"
    page.wait_for_function(f"({restored})().length === 1")
    assert page.evaluate(restored) == ["fridge.jpg"]
    assert page.input_value("[data-testid=note-1]") == "冷藏柜温度超标"
    _fill_and_sign(page, fail_position=1, note="冷藏柜温度超标")
    page.wait_for_url(re.compile(r".*/visits/records/\d+/$"))
    assert page.locator("img.thumb").count() == 1
    assert errors == []
    context.close()
