"""Issue 26's "done when" for 一品一码 (docs/trace.md): on a 390 px phone a wholesaler of the demo county types a
batch's code, sees what it holds and records a sale to a shop; then, once a recall of the batch is started, a member
of the public scanning the code sees the recall (no login)."""

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
from shian.trace.selectors.trace import held_by

batch = Batch.objects.filter(recalls__isnull=True, product__category__code="general").order_by("-produced_on").first()
sale = ChainEvent.objects.filter(batch=batch, kind="sold", from_entity=batch.producer).first()
wholesaler = sale.to_entity
shop = ChainEvent.objects.filter(batch=batch, from_entity=wholesaler).exclude(to_entity=None).first().to_entity
User.objects.filter(username="e2e-wholesaler").delete()
User.objects.create_user(username="e2e-wholesaler", password=DEMO_PASSWORD, role=Role.ENTERPRISE, entity=wholesaler,
                         region_id=wholesaler.region_id, name="批发部")
print(json.dumps({"batch": batch.pk, "code": codes.sign(batch.codes.get(revoked_at=None).token),
                  "shop": shop.uscc or str(shop.pk), "held": held_by(batch.pk, wholesaler.pk)}))
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


def test_a_wholesaler_hands_over_on_a_phone_and_the_public_sees_the_recall(browser, live_url, server_env, chain):
    assert DEMO_PASSWORD
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    errors = _watch_console(page)
    _login(page, live_url, "e2e-wholesaler")
    page.goto(f"{live_url}/trace/scan/")
    page.fill("#code", chain["code"])
    page.click("[data-testid=scan-submit]")
    page.wait_for_selector("[data-testid=handover-form]")
    assert page.inner_text("[data-testid=held]").startswith(str(chain["held"]))
    _fits(page)
    page.check("input[name=kind][value=sold]")
    page.fill("#other", chain["shop"])
    page.fill("#quantity", "1")
    page.click("[data-testid=handover-submit]")
    page.wait_for_selector("[data-testid=held]")
    assert page.inner_text("[data-testid=held]").startswith(str(chain["held"] - 1))
    _run(server_env, "shell", "-c", RECALL.replace("{pk}", str(chain["batch"])))
    public = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    public.goto(f"{live_url}/public/trace/{chain['code']}/")
    assert "该批次正在召回" in public.inner_text("[data-testid=scan-recall]")
    _fits(public)
    assert not errors, errors
