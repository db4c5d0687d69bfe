"""An inspection on a phone (issue 19 items 4-5): two inspectors of the entity's station have a task; one opens
it on a 390 px phone, answers, adds a photo, reloads (the draft survives, photo and signature included), both
sign by hand, the record locks and its PDF downloads; the failed item's rectification order is answered by the
enterprise from its own account and closed by the inspector's re-check."""

import json
import re

import pytest

from .conftest import DEMO_PASSWORD, _run
from .test_entities import PHONE, _fits
from .test_shell import _login, _watch_console
from .test_visits import DRAFT_PHOTOS, _jpeg

pytestmark = pytest.mark.e2e

SETUP = """
import datetime, json
from shian.accounts.models import Role, User
from shian.core.regioncodes import COUNTY, TOWNSHIP, ancestor
from shian.inspections.models import InspectionTask, Station
from shian.inspections.selectors.stations import station_of

entity = User.objects.get(username="enterprise").entity
township = ancestor(entity.region_id, TOWNSHIP)
station_id = station_of(entity.region_id)
if station_id is None:
    station = Station.objects.create(code="E2E-" + township, name="端到端测试监管所",
                                     region_id=ancestor(entity.region_id, COUNTY))
    station.townships.add(township)
else:
    station = Station.objects.get(pk=station_id)
inspectors = []
for n, name in ((1, "检查员甲"), (2, "检查员乙")):
    user, _ = User.objects.get_or_create(username=f"e2e-insp-{n}",
                                         defaults={"role": Role.STATION_STAFF, "region_id": township, "name": name})
    user.set_password(PASSWORD)
    user.save()
    inspectors.append(user)
station.inspectors.add(*inspectors)
task = InspectionTask.objects.create(entity=entity, region_id=entity.region_id, station=station, kind="key",
                                     due_on=datetime.date.today(), note="端到端检查任务")
task.inspectors.set(inspectors)
print(json.dumps({"task": task.pk, "entity": entity.pk}))
"""


def _draw(page, testid: str) -> None:
    """A scribble across the signature canvas, as a finger would draw it."""
    canvas = page.locator(f"[data-testid={testid}]")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.6)
    page.mouse.down()
    for n in range(1, 9):
        page.mouse.move(x + w * (0.1 + n * 0.1), y + h * (0.3 if n % 2 else 0.7), steps=3)
    page.mouse.up()


def test_inspect_sign_print_rectify_and_close_on_a_phone(browser, live_url, server_env, tmp_path):
    made = json.loads(_run(server_env, "shell", "-c", SETUP.replace("PASSWORD", repr(DEMO_PASSWORD))).splitlines()[-1])
    inspector = browser.new_context(viewport=PHONE, locale="zh-CN", accept_downloads=True)
    page = inspector.new_page()
    errors = _watch_console(page)
    _login(page, live_url, "e2e-insp-1")

    page.goto(f"{live_url}/inspections/tasks/")
    assert page.locator(f"[data-testid=task-{made['task']}]").count() == 1
    _fits(page)
    page.locator(f"[data-testid=task-{made['task']}] a").first.click()
    page.wait_for_selector("#inspection-form")
    _fits(page)
    assert "抽检数据待接入" in page.locator("[data-testid=history]").inner_text()
    assert page.locator("[data-testid=item-1] .badge").inner_text() == "重点项"

    items = page.locator("li.item").count()
    for n in range(1, items + 1):
        page.check(f"[data-testid=result-{n}-{'fail' if n == 2 else 'pass'}]")
    page.fill("[data-testid=note-2]", "未公示上次监督检查结果记录表")
    page.set_input_files("[data-testid=photo-2]", _jpeg(tmp_path / "notice.jpg"))
    assert page.evaluate(DRAFT_PHOTOS)
    _draw(page, "signature-1")
    page.wait_for_function("() => document.querySelector('[name^=signature_]').value.startsWith('data:image/png')")

    page.reload()
    page.wait_for_selector("#inspection-form")
    restored = "() => [...document.querySelector('[data-testid=photo-2]').files].map((f) => f.name)"
    page.wait_for_function(f"({restored})().length === 1")
    assert page.evaluate(restored) == ["notice.jpg"]
    assert page.input_value("[data-testid=note-2]") == "未公示上次监督检查结果记录表"
    assert page.is_checked(f"[data-testid=result-{items}-pass]")
    assert page.evaluate("document.querySelector('[name^=signature_]').value").startswith("data:image/png")

    _draw(page, "signature-2")
    page.fill("[data-testid=entity-signer]", "店长")
    _fits(page)
    page.click("[data-testid=sign-submit]")
    page.wait_for_url(re.compile(r".*/inspections/records/\d+/$"))
    assert "已锁定" in page.locator("[data-testid=signed]").inner_text()
    assert "基本符合" in page.locator("[data-testid=outcome]").inner_text()
    assert page.locator("[data-testid=signatures] img").count() == 2
    assert "检查员甲" in page.locator("[data-testid=signatures]").inner_text()
    assert page.locator("img[data-testid=photo]").count() == 1
    _fits(page)
    with page.expect_download() as download:
        page.click("[data-testid=inspection-pdf]")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.click("[data-testid=order-link] a")
    page.wait_for_url(re.compile(r".*/inspections/orders/\d+/$"))
    order_url = page.url
    assert "待整改" in page.locator("[data-testid=order-status]").inner_text()

    enterprise = browser.new_context(viewport=PHONE, locale="zh-CN")
    owner = enterprise.new_page()
    owner_errors = _watch_console(owner)
    _login(owner, live_url, "enterprise")
    owner.goto(order_url)
    _fits(owner)
    owner.fill("[data-testid=answer-text]", "已在门口张贴最新监督检查结果记录表")
    owner.set_input_files("[data-testid=answer-files]", _jpeg(tmp_path / "posted.jpg"))
    owner.click("[data-testid=answer-submit]")
    owner.wait_for_selector("[data-testid=order-status]:has-text('已反馈待复查')")
    assert owner.locator("[data-testid=order-events] img.thumb").count() == 1
    enterprise.close()

    page.goto(order_url)
    page.click("[data-testid=recheck-pass]")
    page.wait_for_selector("[data-testid=order-status]:has-text('已复查销号')")
    assert errors == [] and owner_errors == []
    inspector.close()
