"""A sample taken on a phone (docs/sampling.md §3): at 390 px a sampler fills the 抽样单 with a photo, reloads
(the draft and its photo survive), saves, sees the sample with its number and deadline, and downloads the
抽样单 as PDF."""

import json
import re

import pytest

from .conftest import DEMO_PASSWORD, _run
from .test_entities import PHONE, _fits
from .test_shell import _login, _watch_console
from .test_visits import DRAFT_PHOTOS, _jpeg

pytestmark = pytest.mark.e2e

SETUP = """
import json
from shian.accounts.models import User
from shian.entities.models import Entity
from shian.inspections.models import Station
from shian.regions.models import Region
from shian.sampling.models import Lab

township = Region.objects.filter(code__startswith="370725", level=4).order_by("code").first()
station = Station.objects.filter(townships=township).first()
if station is None:
    station = Station.objects.create(code="E2E-STATION", name="端到端市场监管所", region_id="370725")
    station.townships.add(township)
users = []
for username, name in (("e2e-sampler-a", "抽样甲"), ("e2e-sampler-b", "抽样乙")):
    user = User.objects.filter(username=username).first() or User.objects.create_user(
        username=username, password=PASSWORD, role="station_staff", region_id=township.code, name=name)
    station.inspectors.add(user)
    users.append(user)
Lab.objects.get_or_create(code="E2E-LAB", defaults={"name": "端到端食品检验所", "region_id": "370725"})
entity, _ = Entity.objects.get_or_create(
    name="端到端抽样超市", defaults={"region_id": township.code, "business_type": "sales", "address": "抽样路1号"})
print(json.dumps({"entity": entity.pk, "co_sampler": users[1].pk}))
"""


@pytest.fixture(scope="module")
def sampling_world(server_env, live_url):
    """Two inspectors of the station covering a township of the demo county, a lab and an entity there."""
    out = _run(server_env, "shell", "-c", SETUP.replace("PASSWORD", repr(DEMO_PASSWORD)))
    return json.loads(out.strip().splitlines()[-1])


def test_a_sample_on_a_phone_survives_a_reload_and_prints_its_sheet(browser, live_url, sampling_world, tmp_path):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    errors = _watch_console(page)
    _login(page, live_url, "e2e-sampler-a")
    page.goto(f"{live_url}/sampling/samples/new/?q=端到端")
    page.click(f"[data-testid=pick-{sampling_world['entity']}]")
    page.wait_for_selector("#sample-form")
    _fits(page)
    page.select_option("[data-testid=category]", "condiment")
    page.fill("[data-testid=product]", "酱油")
    page.fill("[data-testid=batch-number]", "20261120")
    page.fill("[data-testid=quantity]", "6瓶")
    page.fill("[data-testid=backup-quantity]", "3瓶")
    page.fill("[data-testid=producer-name]", "某酿造有限公司")
    page.select_option("[data-testid=lab]", label="端到端食品检验所")
    page.select_option("[data-testid=samplers]", str(sampling_world["co_sampler"]))
    page.fill("[data-testid=entity-signer]", "孙店长")
    page.set_input_files("[data-testid=photos]", _jpeg(tmp_path / "label.jpg"))
    assert page.evaluate(DRAFT_PHOTOS)

    page.reload()
    page.wait_for_selector("#sample-form")
    restored = "() => [...document.querySelector('[data-testid=photos]').files].map((f) => f.name)"
    page.wait_for_function(f"({restored})().length === 1")
    assert page.evaluate(restored) == ["label.jpg"]
    assert page.input_value("[data-testid=product]") == "酱油"
    assert page.input_value("[data-testid=samplers]") == str(sampling_world["co_sampler"])

    page.click("[data-testid=sample-submit]")
    page.wait_for_url(re.compile(r".*/sampling/samples/\d+/$"))
    _fits(page)
    number = page.locator("[data-testid=sample-number]").inner_text()
    assert re.fullmatch(r"CJ\d{4}370725-\d{5}", number)
    assert page.locator("[data-testid=samplers]").inner_text() == "抽样甲、抽样乙"
    assert "样品送达检验机构" in page.locator("[data-testid=deadlines]").inner_text()
    assert page.locator("img.thumb").count() == 1

    with page.expect_download() as download:
        page.click("[data-testid=sample-pdf]")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    page.goto(f"{live_url}/sampling/samples/?q={number}")
    _fits(page)
    assert page.locator("[data-testid=sample-count]").inner_text() == "共 1 个样品"
    assert errors == []
    context.close()


def _samples_of(page, live_url, entity_id) -> int:
    return page.request.get(f"{live_url}/api/v1/sampling/samples?entity_id={entity_id}").json()["count"]


def test_a_sample_saved_offline_waits_in_the_outbox_and_is_stored_once(browser, live_url, sampling_world):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    errors = _watch_console(page)
    _login(page, live_url, "e2e-sampler-a")
    before = _samples_of(page, live_url, sampling_world["entity"])
    page.goto(f"{live_url}/sampling/samples/new/?entity={sampling_world['entity']}")
    page.wait_for_selector("#sample-form")
    page.select_option("[data-testid=category]", "dairy")
    page.fill("[data-testid=product]", "纯牛奶")
    page.fill("[data-testid=quantity]", "12盒")
    page.select_option("[data-testid=lab]", label="端到端食品检验所")
    page.select_option("[data-testid=samplers]", str(sampling_world["co_sampler"]))
    context.set_offline(True)
    page.click("[data-testid=sample-submit]")
    page.wait_for_selector("[data-testid=outbox-status]:has-text('已保存在本机')")
    context.set_offline(False)
    page.wait_for_selector("[data-testid=outbox-status]:has-text('已提交')", timeout=45_000)
    page.evaluate("window.dispatchEvent(new Event('online'))")  # a second flush finds nothing left to send
    page.reload()
    assert _samples_of(page, live_url, sampling_world["entity"]) == before + 1
    assert [e for e in errors if "ERR_INTERNET_DISCONNECTED" not in e] == []
    context.close()
