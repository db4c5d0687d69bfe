"""A sample taken on a phone (docs/sampling.md §3): at 390 px a sampler fills the 抽样单 with a photo, reloads
(the draft and its photo survive), saves, sees the sample with its number and deadline, and downloads the
抽样单 as PDF. Issue 20's "done when" path (§3-§5): a sample taken on a phone fails in the lab file a clerk
imports, its disposal case opens with its deadlines and closes with the 五到位 evidence, and the published result
shows on the public page without people."""

import datetime
import json
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from shian.sampling.testing import lab_rows, lab_xlsx

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
for username, name, phone in (("e2e-sampler-a", "抽样甲", "13800000001"), ("e2e-sampler-b", "抽样乙", "13800000002")):
    user = User.objects.filter(username=username).first() or User.objects.create_user(
        username=username, password=PASSWORD, role="station_staff", region_id=township.code, name=name, phone=phone)
    station.inspectors.add(user)
    users.append(user)
Lab.objects.get_or_create(code="E2E-LAB", defaults={"name": "端到端食品检验所", "region_id": "370725"})
entity, _ = Entity.objects.get_or_create(
    name="端到端抽样超市", defaults={"region_id": township.code, "business_type": "sales", "address": "抽样路1号"})
entity.people.get_or_create(role="principal", defaults={"name": "孙负责", "phone": "13900000003"})
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


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DESKTOP = {"width": 1366, "height": 768}
STEPS = {"recalled": "已下架并通知退市", "causes": "原料苯甲酸钠添加超量", "rectified": "已修订配料记录",
         "penalised": "已立案处罚"}  # fmt: skip
SIGNER = "钱签字"


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(re.search(r"\d{4}-\d{2}-\d{2}", text).group(0))


def test_a_failed_sample_is_disposed_of_and_published_without_people(browser, live_url, sampling_world, tmp_path):
    """Issue 20, done when: sampled on a phone, sent and received; a lab file with a failed item imported through
    the page; the disposal case opens with its clocks, the 五到位 steps are recorded with a note and evidence and
    the case closes; the published result shows on the public page, with no sampler, signer or phone."""
    field = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = field.new_page()
    errors = _watch_console(page)
    _login(page, live_url, "e2e-sampler-a")
    page.goto(f"{live_url}/sampling/samples/new/?entity={sampling_world['entity']}")
    page.wait_for_selector("#sample-form")
    _fits(page)
    page.select_option("[data-testid=category]", "condiment")
    page.fill("[data-testid=product]", "香醋")
    page.fill("[data-testid=quantity]", "6瓶")
    page.fill("[data-testid=producer-name]", "端到端酿造有限公司")
    page.select_option("[data-testid=lab]", label="端到端食品检验所")
    page.select_option("[data-testid=samplers]", str(sampling_world["co_sampler"]))
    page.fill("[data-testid=entity-signer]", SIGNER)
    page.click("[data-testid=sample-submit]")
    page.wait_for_url(re.compile(r".*/sampling/samples/\d+/$"))
    sample_url = page.url
    sample_id = int(re.search(r"/samples/(\d+)/$", sample_url).group(1))
    number = page.locator("[data-testid=sample-number]").inner_text()
    # the lab file is refused for a sample not yet sent: record sending and the lab's receipt first
    page.click("[data-testid=mark-sent]")
    page.wait_for_selector("[data-testid=status]:has-text('已送检')")
    page.click("[data-testid=mark-received]")
    page.wait_for_selector("[data-testid=status]:has-text('检验机构已接收')")
    assert "个工作日" in page.locator("[data-testid=deadlines]").inner_text().split("报告期限")[1]
    _fits(page)

    # the clerk imports the lab's file at a desk: one failed item of three
    report_date = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    rows = lab_rows([SimpleNamespace(number=number, product="香醋")], items=3, fail={0}, report_date=report_date)
    desk = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    clerk = desk.new_page()
    clerk_errors = _watch_console(clerk)
    _login(clerk, live_url, "county")
    clerk.goto(f"{live_url}/sampling/results/import/")
    clerk.set_input_files("#file", files=[{"name": "检验结果.xlsx", "mimeType": XLSX, "buffer": lab_xlsx(rows)}])
    clerk.click("[data-testid=upload]")
    clerk.wait_for_url(re.compile(r".*/sampling/results/import/\d+/$"))
    done = "() => !['queued', 'running'].includes(document.querySelector('[data-testid=batch-status]').dataset.status)"
    clerk.wait_for_function(done, timeout=60_000)  # the page polls while the task worker runs the file
    status = clerk.locator("[data-testid=batch-status]")
    assert status.get_attribute("data-status") == "committed", status.inner_text()
    assert clerk.locator("[data-testid=created]").inner_text() == "3"
    assert clerk.locator("[data-testid=failed]").inner_text() == "1"
    assert clerk.locator("[data-testid=error-count]").inner_text() == "0"
    assert clerk.locator("a:text-is('查看核查处置')").count() == 1
    assert clerk_errors == []
    desk.close()

    # back on the phone: the sample carries the lab's conclusion
    page.goto(sample_url)
    assert page.locator("[data-testid=status]").inner_text() == "已出报告"
    assert f"不合格 · 报告编号 R{number}" in page.locator("[data-testid=conclusion]").inner_text()
    assert page.locator("[data-testid=results] tbody tr").count() == 3
    assert page.locator("[data-testid=results] td.err").count() == 1

    # the disposal case, reached from the sample: open, with the failed item, the re-test window and the deadline
    assert page.locator("[data-testid=disposal-link]").inner_text() == "核查处置：处置中"
    page.click("[data-testid=disposal-link]")
    page.wait_for_url(re.compile(r".*/sampling/disposals/\d+/$"))
    _fits(page)
    assert page.locator("[data-testid=disposal-status]").inner_text() == "处置中"
    assert page.locator("[data-testid=failed-items]").inner_text() == "苯甲酸及其钠盐：1.8g/kg（≤1.0g/kg）"
    retest, due = page.locator("[data-testid=retest-due]").inner_text(), page.locator("[data-testid=due]").inner_text()
    assert "7个工作日" in retest and "90日" in due and "已逾期" not in due
    assert report_date < _day(retest) < _day(due)
    assert 90 <= (_day(due) - report_date).days <= 100  # 90 calendar days, moved off a rest day

    def record(step: str, note: str, photo=None) -> None:
        card = page.locator(f"[data-testid=step-{step}]")
        card.locator("textarea").fill(note)
        if photo:
            card.locator("input[type=file]").set_input_files(photo)
        card.locator("button[type=submit]").click()
        page.wait_for_selector(f"[data-testid=step-{step}] .badge:has-text('已到位')")

    record("controlled", "已封存同批次香醋24瓶", _jpeg(tmp_path / "sealed.jpg"))
    page.click("[data-testid=close]")  # four steps missing: refused, the case stays open
    page.wait_for_selector("ul.messages li.error:has-text('以下环节尚未到位')")
    assert page.locator("[data-testid=disposal-status]").inner_text() == "处置中"
    for step, note in STEPS.items():
        record(step, note, _jpeg(tmp_path / f"{step}.jpg") if step == "penalised" else None)
    page.click("[data-testid=close]")
    page.wait_for_selector("[data-testid=disposal-status]:has-text('已办结')")
    assert "按期" in page.locator("[data-testid=closed]").inner_text()
    assert "已封存同批次香醋24瓶" in page.locator("[data-testid=step-controlled]").inner_text()
    evidence = page.locator("[data-testid=step-controlled] a[href*='/sampling/disposal-files/']")
    assert evidence.inner_text() == "sealed.jpg"
    assert page.request.get(f"{live_url}{evidence.get_attribute('href')}").headers["content-type"] == "image/jpeg"
    assert page.locator("[data-testid=step-penalised] a[href*='/sampling/disposal-files/']").count() == 1
    assert page.locator("textarea, [data-testid=close]").count() == 0  # a closed case does not change
    _fits(page)

    # published from the publishing page
    page.goto(f"{live_url}/sampling/publishing/")
    row = page.locator(f"[data-testid=publish-{sample_id}]")
    assert "不合格" in row.inner_text()
    row.locator("button:text-is('公布')").click()
    page.wait_for_selector(f"ul.messages li:has-text('已公布样品 {number} 的检验结果')")
    _fits(page)
    assert errors == []
    field.close()

    # anyone, without logging in, reads it on the public page, without people
    public = browser.new_context(viewport=PHONE, locale="zh-CN")
    reader = public.new_page()
    reader_errors = _watch_console(reader)
    reader.goto(f"{live_url}/sampling/public/")
    assert reader.url == f"{live_url}/sampling/public/"
    first = reader.locator("tbody tr").first
    assert first.get_attribute("data-testid") == f"public-sample-{sample_id}"  # newest published first
    text = first.inner_text()
    for shown in (
        "香醋",
        "端到端抽样超市",
        "端到端酿造有限公司",
        "苯甲酸及其钠盐：1.8g/kg（限量 ≤1.0g/kg）",
        "核查处置：已办结",
        report_date.isoformat(),
    ):
        assert shown in text, shown
    body = reader.locator("body").inner_text()
    for person in ("抽样甲", "抽样乙", "e2e-sampler", SIGNER, "孙负责", "13800000001", "13800000002", "13900000003"):
        assert person not in body, person
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", body)  # no mobile number at all
    _fits(reader)
    assert reader_errors == []
    public.close()
