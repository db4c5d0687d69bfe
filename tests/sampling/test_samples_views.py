"""The sample pages (docs/sampling.md §3): the phone form answers the offline outbox's JSON and stores a resend
once, the list and detail are scoped (an enterprise sees only its own entity's samples, results included), the
lifecycle forms, the 抽样单 PDF, the work list."""

import datetime
import io
import uuid

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from shian.accounts.models import Role
from shian.core.worklist import items_for
from shian.sampling.models import Sample, SampleResult
from shian.sampling.services import samples as services

from .samples_setup import sample_values, station_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _jpeg(name="s.jpg"):
    data = io.BytesIO()
    Image.new("RGB", (60, 40), (10, 120, 30)).save(data, format="JPEG")
    data.seek(0)
    data.name = name
    return data


def _form(world, **changes) -> dict:
    values = {
        "client_key": str(uuid.uuid4()), "started_at": timezone.now().isoformat(), "category": "condiment",
        "kind": "supervision", "product": "米醋", "quantity": "4瓶", "backup_quantity": "2瓶",
        "producer_name": "本地酿造厂", "producer_uscc": "", "lab": str(world["lab"].pk),
        "samplers": str(world["li"].pk),
        "sampled_at": timezone.localtime(timezone.now() - datetime.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
        "entity_signer": "孙店长",
    }  # fmt: skip
    values.update(changes)
    return values


def _sample(world, **changes) -> Sample:
    return services.create_sample(actor=world["zhang"], **sample_values(world, **changes))[0]


def test_the_form_offers_the_category_table_the_labs_and_the_stations_co_samplers(station_world):
    page = _client(station_world["zhang"]).get(f"/sampling/samples/new/?entity={station_world['shop'].pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "调味品" in html and "潍坊市食品药品检验研究院" in html
    assert "李抽样" in html and "王乔官" not in html
    assert "data-offline-form" in html and "checklists/offline_form.js" in html


def test_without_an_entity_the_form_searches_the_jurisdiction(station_world):
    html = _client(station_world["zhang"]).get("/sampling/samples/new/?q=超市").content.decode()
    assert "宝都超市" in html and "乔官饭店" not in html


def test_an_entity_outside_the_jurisdiction_is_a_404(station_world):
    page = _client(station_world["zhang"]).get(f"/sampling/samples/new/?entity={station_world['other'].pk}")
    assert page.status_code == 404


def test_a_posted_sample_with_a_photo_is_stored_once_even_when_resent(station_world):
    client = _client(station_world["zhang"])
    url = f"/sampling/samples/new/?entity={station_world['shop'].pk}"
    form = _form(station_world)
    first = client.post(url, {**form, "photos": _jpeg()}, HTTP_ACCEPT="application/json")
    assert first.status_code == 200 and first.json()["ok"]
    again = client.post(url, {**form, "photos": _jpeg()}, HTTP_ACCEPT="application/json")
    assert again.json()["id"] == first.json()["id"]
    sample = Sample.objects.get()
    assert sample.photos.count() == 1 and sample.product == "米醋"
    assert first.json()["url"] == f"/sampling/samples/{sample.pk}/"


def test_a_refused_sample_answers_422_with_the_messages(station_world):
    client = _client(station_world["zhang"])
    url = f"/sampling/samples/new/?entity={station_world['shop'].pk}"
    answer = client.post(url, _form(station_world, samplers=str(station_world["chemist"].pk)),
                         HTTP_ACCEPT="application/json")  # fmt: skip
    assert answer.status_code == 422
    assert any("抽检分离" in e and "赵检验" in e for e in answer.json()["errors"])
    page = client.post(url, _form(station_world, samplers="", product=""))
    assert page.status_code == 422 and "请填写样品名称" in page.content.decode()
    assert not Sample.objects.exists()


def test_the_list_filters_and_the_enterprise_sees_only_its_own(station_world, make_user):
    mine = _sample(station_world, product="自家酱油")
    late = _sample(station_world, product="逾期酱油", sampled_at=timezone.now() - datetime.timedelta(days=30))
    staff = _client(station_world["zhang"])
    html = staff.get("/sampling/samples/").content.decode()
    assert mine.number in html and late.number in html
    overdue = staff.get("/sampling/samples/?overdue=to_lab").content.decode()
    assert late.number in overdue and mine.number not in overdue
    owner = make_user(Role.ENTERPRISE, "370725001001", entity=station_world["shop"])
    stranger = make_user(Role.ENTERPRISE, "370725001001")
    SampleResult.objects.create(sample=mine, item="苯甲酸", value="0.1", limit="≤1.0", unit="g/kg", verdict="pass")
    assert mine.number in _client(owner).get("/sampling/samples/").content.decode()
    detail = _client(owner).get(f"/sampling/samples/{mine.pk}/")
    assert detail.status_code == 200 and "苯甲酸" in detail.content.decode()
    assert "登记送检" not in detail.content.decode()  # read-only for the enterprise
    assert mine.number not in _client(stranger).get("/sampling/samples/").content.decode()
    assert _client(stranger).get(f"/sampling/samples/{mine.pk}/").status_code == 404
    assert _client(owner).post(f"/sampling/samples/{mine.pk}/sent/").status_code == 403


def test_the_detail_shows_the_deadlines_with_their_rules_and_the_lifecycle_forms(station_world):
    sample = _sample(station_world, sampled_at=timezone.now() - datetime.timedelta(days=1))
    client = _client(station_world["li"])
    html = client.get(f"/sampling/samples/{sample.pk}/").content.decode()
    assert (
        "样品送达检验机构" in html
        and "5个工作日" in html
        and "登记送检" in html
        and "李抽样" in html
        and "张抽样" in html
    )
    sent = timezone.localtime(timezone.now() - datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    client.post(f"/sampling/samples/{sample.pk}/sent/", {"sent_at": sent})
    sample.refresh_from_db()
    assert sample.status == Sample.Status.SENT
    bad = client.post(f"/sampling/samples/{sample.pk}/received/", {"received_at": "2020-01-01T10:00"}, follow=True)
    assert "不能早于送检时间" in bad.content.decode()
    client.post(f"/sampling/samples/{sample.pk}/received/", {"received_at": sent})
    sample.refresh_from_db()
    assert sample.status == Sample.Status.RECEIVED and sample.report_due is not None
    assert "出具检验报告" in client.get(f"/sampling/samples/{sample.pk}/").content.decode()


def test_the_sample_sheet_is_a_pdf(station_world):
    sample = _sample(station_world)
    answer = _client(station_world["zhang"]).get(f"/sampling/samples/{sample.pk}/pdf/")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert b"".join(answer.streaming_content).startswith(b"%PDF")


def test_the_sample_sheet_names_both_samplers_the_signer_and_the_backup(station_world):
    from shian.sampling.documents import sample_sections

    text = repr(sample_sections(_sample(station_world)))
    assert "张抽样、李抽样" in text and "孙店长" in text and "3瓶" in text and "佛山市海天调味食品股份有限公司" in text


def test_the_work_list_counts_samples_to_send_and_overdue(station_world):
    _sample(station_world, sampled_at=timezone.now() - datetime.timedelta(hours=1))
    _sample(station_world, sampled_at=timezone.now() - datetime.timedelta(days=30))
    items = {i.key: i.count for i in items_for(station_world["zhang"])}
    assert items["samples.to_send"] == 1 and items["samples.overdue"] == 1 and items["samples.report_overdue"] == 0


def test_a_task_link_fills_category_and_kind_from_the_task(station_world):
    from shian.sampling.models import SamplingTask

    task = SamplingTask.objects.create(station=station_world["station"], region_id="370725001", category="dairy",
                                       kind="monitoring", month=202612, batches=1)  # fmt: skip
    client = _client(station_world["zhang"])
    pick = client.get(f"/sampling/samples/new/?task={task.pk}").content.decode()
    assert f"?entity={station_world['shop'].pk}&amp;task={task.pk}" in pick
    url = f"/sampling/samples/new/?entity={station_world['shop'].pk}&task={task.pk}"
    answer = client.post(url, _form(station_world, category=""), HTTP_ACCEPT="application/json")
    assert answer.json()["ok"]
    sample = Sample.objects.get()
    assert (sample.task_id, sample.category, sample.kind) == (task.pk, "dairy", "monitoring")
    task.refresh_from_db()
    assert task.status == SamplingTask.Status.DONE
    assert client.get(f"/sampling/samples/new/?task={task.pk + 99}").status_code == 404


def test_a_post_without_a_valid_client_key_is_refused_not_matched(station_world):
    Sample.objects.create(number="CJ-OLD-1", entity=station_world["shop"], region_id="370725001001",
                          category="dairy", product="旧样品", quantity="1", sampled_at=timezone.now(),
                          to_lab_due=timezone.now(), created_by=station_world["zhang"])  # fmt: skip
    client = _client(station_world["zhang"])
    url = f"/sampling/samples/new/?entity={station_world['shop'].pk}"
    answer = client.post(url, _form(station_world, client_key="not-a-key"), HTTP_ACCEPT="application/json")
    assert answer.status_code == 422 and any("提交编号" in e for e in answer.json()["errors"])


def test_an_impossible_time_is_a_message_not_an_error(station_world):
    sample = _sample(station_world)
    client = _client(station_world["zhang"])
    page = client.post(f"/sampling/samples/{sample.pk}/sent/", {"sent_at": "2026-13-01T10:00"}, follow=True)
    assert page.status_code == 200 and "请填写送检时间" in page.content.decode()
    sample.refresh_from_db()
    assert sample.status == Sample.Status.SAMPLED
