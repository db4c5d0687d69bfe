"""Trace's front doors (docs/trace.md): the public scan page (no login, no person, forged 404, revoked 410, rate
limited), the phone hand-over page, the API with a token and an Idempotency-Key, the recall from a failed sample,
the label sheet and the trace_batch command."""

import datetime
import json
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from shian.accounts import services as account_services
from shian.core.models import DeadlineRule
from shian.entities.models import KeyPerson
from shian.trace import codes
from shian.trace.models import ChainEvent, EventKind, Recall
from shian.trace.services import catalog, events, recalls


def _code(w) -> str:
    return codes.sign(catalog.active_code(w.batch).token)


def test_public_scan_shows_product_and_recall_without_people(world):
    KeyPerson.objects.create(entity=world.producer, role="principal", name="张负责人", phone="13812345678")
    page = Client().get(f"/public/trace/{_code(world)}/")
    text = page.content.decode()
    assert page.status_code == 200 and "手工挂面" in text and "站前食品厂" in text and "20261101A" in text
    assert "张负责人" not in text and "13812345678" not in text and "宝都批发部" not in text
    assert "csrftoken" not in page.cookies and "sessionid" not in page.cookies
    recalls.start_recall(actor=world.station, batches=[world.batch], kind=Recall.Kind.ORDERED, level=2,
                         reason="抽检不合格：菌落总数超标")  # fmt: skip
    assert "该批次正在召回" in Client().get(f"/public/trace/{_code(world)}/").content.decode()


def test_forged_and_revoked_codes(world):
    good = _code(world)
    forged = good[:-1] + ("b" if good[-1] != "b" else "c")
    page = Client().get(f"/public/trace/{forged}/")
    assert page.status_code == 404 and "签名校验失败" in page.content.decode()
    catalog.revoke_code(actor=world.producer_user, batch=world.batch, reason="标签错印")
    page = Client().get(f"/public/trace/{good}/")
    assert page.status_code == 410 and "已被生产经营者作废" in page.content.decode()
    assert Client().get(f"/public/trace/{_code(world)}/").status_code == 200  # the new code


def test_public_scan_is_rate_limited(world):
    DeadlineRule.objects.create(code="trace.scan_per_minute", name="测试", region_prefix="", version=2, unit="n",
                                amount=2, valid_from=datetime.date(2000, 1, 1), source="测试")  # fmt: skip
    cache.clear()  # earlier scans in this process counted in the same minute
    client = Client()
    statuses = [client.get(f"/public/trace/{_code(world)}/").status_code for _ in range(3)]
    assert statuses[:2] == [200, 200] and statuses[2] == 429


def test_phone_handover_page(world):
    client = Client()
    client.force_login(world.producer_user)
    url = f"/trace/scan/{_code(world)}/"
    assert client.get(url).status_code == 200
    r = client.post(url, {"kind": "sold", "other": world.wholesaler.uscc, "quantity": "120"})
    assert r.status_code == 422 and "不能交出 120 袋" in r.content.decode()
    r = client.post(url, {"kind": "sold", "other": world.wholesaler.uscc, "quantity": "40"})
    assert r.status_code == 302
    client.force_login(world.wholesaler_user)
    r = client.post(url, {"kind": "received", "other": world.producer.uscc, "quantity": "40"})
    assert r.status_code == 302
    assert ChainEvent.objects.filter(kind=EventKind.RECEIVED, counted=False).count() == 1
    assert "40 袋" in client.get(url).content.decode()
    r = client.get("/trace/scan/", {"code": "abcdefgh-abcdefghij"})
    assert r.status_code == 422 and "签名校验失败" in r.content.decode()


def test_api_event_with_token_and_idempotency_key(world, superuser):
    _token, key = account_services.create_api_token(actor=superuser, account=world.producer_user, name="ERP")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    body = {"code": _code(world), "kind": "sold", "to_entity_id": world.wholesaler.pk, "quantity": 30}
    first = client.post("/api/v1/trace/events", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="po-77")
    again = client.post("/api/v1/trace/events", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="po-77")
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["id"] == again.json()["id"]
    assert ChainEvent.objects.filter(kind="sold").count() == 1
    over = client.post("/api/v1/trace/events", {**body, "quantity": 71}, content_type="application/json")
    assert over.status_code == 422 and "不能交出 71" in over.json()["message"]
    trace = client.get(f"/api/v1/trace/batches/{world.batch.pk}/trace").json()
    assert trace["quantity"] == 100 and len(trace["holders"]) == 2
    assert client.get("/api/v1/trace/batches").json()["count"] == 1


def test_api_recall_confirmation_by_a_non_holder_is_refused(world):
    events.record_event(actor=world.producer_user, batch=world.batch, kind="sold", from_entity=world.producer,
                        to_entity=world.wholesaler, quantity=10)  # fmt: skip
    recall = recalls.start_recall(actor=world.producer_user, batches=[world.batch], kind="voluntary", level=3,
                                  reason="标签标识错误")  # fmt: skip
    client = Client()
    client.force_login(world.bystander_user)
    assert client.post(f"/api/v1/trace/recalls/{recall.pk}/confirm", {}, content_type="application/json"
                       ).status_code == 404  # not a holder: the recall is not even visible  # fmt: skip
    client.force_login(world.wholesaler_user)
    r = client.post(f"/api/v1/trace/recalls/{recall.pk}/confirm", {"note": "已下架"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["confirmed"] == 1


def test_recall_from_a_failed_sample_in_one_action(world):
    from shian.sampling.models import Sample

    sample = Sample.objects.create(
        number="SP-1", entity=world.wholesaler, region_id=world.wholesaler.region_id, category="粮食加工品",
        product="手工挂面", batch_number="20261101A", quantity="2袋", producer_name=world.producer.name,
        producer_uscc=world.producer.uscc, sampled_at=timezone.now(), to_lab_due=timezone.now(),
        created_by=world.station, conclusion=Sample.Conclusion.FAIL, status="reported",
    )  # fmt: skip
    client = Client()
    client.force_login(world.station)
    page = client.get(f"/sampling/samples/{sample.pk}/")
    assert f"/trace/recalls/from-sample/{sample.pk}/" in page.content.decode()
    r = client.post(f"/trace/recalls/from-sample/{sample.pk}/", {"kind": "ordered", "level": "1", "reason": "不合格"})
    assert r.status_code == 302
    recall = Recall.objects.get(sample=sample)
    assert list(recall.batches.all()) == [world.batch] and recall.notices.count() == 1


def test_label_sheet_pdf(world):
    client = Client()
    client.force_login(world.producer_user)
    r = client.get(f"/trace/batches/{world.batch.pk}/labels.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"


def test_trace_batch_command(world):
    events.record_event(actor=world.producer_user, batch=world.batch, kind="sold", from_entity=world.producer,
                        to_entity=world.wholesaler, quantity=10)  # fmt: skip
    out = StringIO()
    call_command("trace_batch", _code(world), "--json", stdout=out)
    last = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (last["batch"], last["holders"], last["quantity"]) == (world.batch.pk, 2, 100) and last["seconds"] >= 0
    out = StringIO()
    call_command("trace_batch", "--list", "--limit", "5", "--json", stdout=out)
    assert json.loads(out.getvalue().strip().splitlines()[-1]) == {"codes": [_code(world)]}
    with pytest.raises(CommandError, match="签名校验失败"):
        call_command("trace_batch", "abcdefgh-abcdefghij", "--json", stdout=StringIO())
