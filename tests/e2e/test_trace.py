"""Issue 26's "done when" for 一品一码 (docs/trace.md): on a 390 px phone the producer of a demo batch prints its
label sheet; a wholesaler of the demo county types the batch's code, sees what it holds and sells one to a market
stall's operator, who confirms the receipt at the stall on their own phone (counted once); then, once a recall of the
batch is started, a member of the public scanning the code sees the recall (no login)."""

import json

import pytest

from shian.demo.accounts import DEMO_PASSWORD

from .conftest import _run
from .test_entities import PHONE, _fits
from .test_shell import _login, _watch_console

pytestmark = pytest.mark.e2e

SETUP = """
import json
from django.db.models import Q
from shian.accounts.models import Role, User
from shian.demo.accounts import DEMO_PASSWORD
from shian.trace import codes
from shian.trace.models import Batch, ChainEvent
from shian.markets.models import Stall
from shian.trace.selectors.trace import held_by

batch = Batch.objects.filter(recalls__isnull=True, product__category__code="general").order_by("-produced_on").first()
sale = ChainEvent.objects.filter(batch=batch, kind="sold", from_entity=batch.producer).first()
wholesaler = sale.to_entity
stall = (Stall.objects.exclude(operator=None).exclude(operator__uscc="").exclude(operator__in=[wholesaler, batch.producer])
         .order_by("pk").first())
operator = stall.operator
User.objects.filter(username__in=["e2e-wholesaler", "e2e-producer", "e2e-stall"]).delete()
User.objects.create_user(username="e2e-producer", password=DEMO_PASSWORD, role=Role.ENTERPRISE, entity=batch.producer,
                         region_id=batch.producer.region_id, name="生产厂")
User.objects.create_user(username="e2e-stall", password=DEMO_PASSWORD, role=Role.ENTERPRISE, entity=operator,
                         region_id=operator.region_id, name="摊主")
User.objects.create_user(username="e2e-wholesaler", password=DEMO_PASSWORD, role=Role.ENTERPRISE, entity=wholesaler,
                         region_id=wholesaler.region_id, name="批发部")
print(json.dumps({"batch": batch.pk, "code": codes.sign(batch.codes.get(revoked_at=None).token),
                  "stall": operator.uscc, "wholesaler": wholesaler.uscc, "held": held_by(batch.pk, wholesaler.pk),
                  "stall_held": held_by(batch.pk, operator.pk)}))
"""

RECALL = """
from shian.accounts.models import User
from shian.trace.models import Batch
from shian.trace.services import recalls
recalls.start_recall(actor=User.objects.get(username="county"), batches=[Batch.objects.get(pk={pk})],
                     kind="ordered", level=1, reason="监督抽检不合格")
"""


@pytest.fixture(scope="module")
def chain(server_env, live_url):
    return json.loads(_run(server_env, "shell", "-c", SETUP).strip().splitlines()[-1])


def _phone(browser, live_url, username, watched):
    page = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    watched.append(_watch_console(page))
    _login(page, live_url, username)
    return page


def _hand_over(page, live_url, code, *, kind, other, held_before) -> str:
    """Scan `code`, check what the business holds, record one unit handed over; returns what it holds after."""
    page.goto(f"{live_url}/trace/scan/")
    page.fill("#code", code)
    page.click("[data-testid=scan-submit]")
    page.wait_for_selector("[data-testid=handover-form]")
    assert page.inner_text("[data-testid=held]").startswith(str(held_before))
    _fits(page)
    page.check(f"input[name=kind][value={kind}]")
    page.fill("#other", other)
    page.fill("#quantity", "1")
    page.click("[data-testid=handover-submit]")
    page.wait_for_selector("[data-testid=held]")
    return page.inner_text("[data-testid=held]")


def test_codes_print_a_wholesaler_and_a_stall_hand_over_on_phones_and_the_public_sees_the_recall(
    browser, live_url, server_env, chain
):
    assert DEMO_PASSWORD and chain["stall"] and chain["wholesaler"]
    watched: list[list] = []  # each page's console errors
    page = _phone(browser, live_url, "e2e-producer", watched)  # the producer prints the batch's label sheet
    page.goto(f"{live_url}/trace/batches/{chain['batch']}/")
    _fits(page)
    labels = page.request.get(live_url + page.get_attribute("[data-testid=labels]", "href"))
    assert labels.ok and labels.headers["content-type"] == "application/pdf" and labels.body()[:5] == b"%PDF-"

    page = _phone(browser, live_url, "e2e-wholesaler", watched)  # sells one to the stall's operator
    held = _hand_over(page, live_url, chain["code"], kind="sold", other=chain["stall"], held_before=chain["held"])
    assert held.startswith(str(chain["held"] - 1))
    stall = _phone(browser, live_url, "e2e-stall", watched)  # the stall confirms the receipt: the sale moved it
    held = _hand_over(stall, live_url, chain["code"], kind="stall_received", other=chain["wholesaler"],
                      held_before=chain["stall_held"] + 1)  # fmt: skip
    assert held.startswith(str(chain["stall_held"] + 1))  # confirmed, not counted twice

    _run(server_env, "shell", "-c", RECALL.replace("{pk}", str(chain["batch"])))
    public = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    public.goto(f"{live_url}/public/trace/{chain['code']}/")
    assert "该批次正在召回" in public.inner_text("[data-testid=scan-recall]")
    _fits(public)
    assert not any(watched), watched
