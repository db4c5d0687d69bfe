"""Lab results by hand, on pages and over the API (docs/sampling.md §3, §4): one sample's items with the lab file's
checks and messages naming the item and field, the upload page with its progress and error report, the disposal
pages (the enterprise reads its own), and the notice's closed loop on pages."""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shian.accounts.models import Role
from shian.entities.models import Entity
from shian.sampling.models import CrossRegionNotice, Disposal, LabResultBatch, Sample, SampleResult
from shian.sampling.services import results as services
from shian.sampling.testing import lab_rows, lab_xlsx

from .results_setup import lab_world_fixture  # noqa: F401
from .samples_setup import station_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
API = "/api/v1/sampling"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(**changes) -> dict:
    data = {
        "item_1": "苯甲酸及其钠盐", "value_1": "1.8g/kg", "limit_1": "≤1.0g/kg", "verdict_1": "fail",
        "item_2": "铅（以Pb计）", "value_2": "0.02mg/kg", "limit_2": "≤0.5mg/kg", "verdict_2": "pass",
        "conclusion": "fail", "report_number": "wf-2026-0001", "report_date": timezone.localdate().isoformat(),
    }  # fmt: skip
    data.update(changes)
    return data


# -- by hand --------------------------------------------------------------------------------------------------


def test_the_form_stores_the_items_and_a_failed_conclusion_opens_the_case(lab_world):
    sample = lab_world["samples"][0]
    answer = _client(lab_world["zhang"]).post(reverse("sampling:sample_results", args=[sample.pk]), _form())
    disposal = Disposal.objects.get(sample=sample)
    assert answer.status_code == 302 and answer["Location"] == reverse("sampling:disposal_detail", args=[disposal.pk])
    sample.refresh_from_db()
    assert sample.conclusion == "fail" and sample.report_number == "WF-2026-0001" and sample.status == "reported"
    assert SampleResult.objects.filter(sample=sample).count() == 2


def test_the_form_names_the_item_without_a_limit_and_stores_nothing(lab_world):
    sample = lab_world["samples"][0]
    answer = _client(lab_world["zhang"]).post(reverse("sampling:sample_results", args=[sample.pk]), _form(limit_2=""))
    assert answer.status_code == 422
    assert "第 2 项：请填写标准值/限量。" in answer.content.decode()
    assert not SampleResult.objects.exists() and not Disposal.objects.exists()


def test_the_form_refuses_a_conclusion_that_contradicts_the_items(lab_world):
    sample = lab_world["samples"][0]
    answer = _client(lab_world["zhang"]).post(
        reverse("sampling:sample_results", args=[sample.pk]), _form(conclusion="pass")
    )
    assert answer.status_code == 422 and "有检验项目判定为“不合格”" in answer.content.decode()


def test_the_form_fits_a_phone(lab_world):
    page = _client(lab_world["zhang"]).get(reverse("sampling:sample_results", args=[lab_world["samples"][0].pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'name="viewport"' in html and "<table" not in html


def test_the_api_enters_results_and_answers_with_the_case(lab_world):
    sample = lab_world["samples"][1]
    body = {"items": [{"item": "菌落总数", "value": "50000", "limit": "≤10000CFU/g", "verdict": "fail"}],
            "conclusion": "fail", "report_number": "API-1", "report_date": timezone.localdate().isoformat()}  # fmt: skip
    client = _client(lab_world["zhang"])
    answer = client.post(f"{API}/samples/{sample.pk}/results", json.dumps(body), content_type="application/json")
    assert answer.status_code == 200, answer.content
    case = answer.json()
    assert case["sample_number"] == sample.number and case["status"] == "open"
    listed = client.get(f"{API}/disposals").json()
    assert [d["id"] for d in listed["items"]] == [case["id"]]
    body["report_number"] = "API-2"
    again = client.post(f"{API}/samples/{sample.pk}/results", json.dumps(body), content_type="application/json")
    assert again.status_code == 422 and "已有检验结论" in json.dumps(again.json(), ensure_ascii=False)


def test_the_api_imports_a_lab_file_all_or_nothing(lab_world):
    rows = lab_rows(lab_world["samples"], items=1)
    rows[2]["报告日期"] = "2020-01-01"
    client = _client(lab_world["zhang"])
    refused = client.post(f"{API}/lab-results", {"file": _upload(rows)})
    assert refused.status_code == 422
    assert [(e["row"], e["column"]) for e in refused.json()["errors"]] == [(4, "报告日期")]
    assert not SampleResult.objects.exists()
    rows[2]["报告日期"] = timezone.localdate().isoformat()
    done = client.post(f"{API}/lab-results", {"file": _upload(rows)})
    assert done.status_code == 200 and done.json()["created"] == 3


def _upload(rows):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("lab.xlsx", lab_xlsx(rows))


# -- the upload page --------------------------------------------------------------------------------------------


def test_the_upload_page_runs_the_file_and_shows_the_cells_at_fault_with_the_report(
    lab_world, django_capture_on_commit_callbacks
):
    rows = lab_rows(lab_world["samples"], items=1)
    rows[0]["样品编号"] = "CJ-NOPE"
    client = _client(lab_world["zhang"])
    with django_capture_on_commit_callbacks(execute=True):  # the task worker runs the batch once committed
        answer = client.post(reverse("sampling:lab_import"), {"file": _upload(rows), "mode": "commit"})
    batch = LabResultBatch.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("sampling:lab_batch", args=[batch.pk])
    page = client.get(answer["Location"]).content.decode()
    assert "CJ-NOPE" in page and "不存在或不在您的权限范围内" in page
    report = client.get(reverse("sampling:lab_batch_report", args=[batch.pk]))
    assert report.status_code == 200 and b"".join(report.streaming_content)[:2] == b"PK"
    template = client.get(reverse("sampling:lab_template"))
    assert b"".join(template.streaming_content)[:2] == b"PK"


# -- disposal and notice pages ----------------------------------------------------------------------------------


@pytest.fixture(name="case")
def case_fixture(lab_world, make_user):
    lab_world["boshan"] = make_user(Role.COUNTY_ADMIN, "370304", name="博山区局")
    Sample.objects.filter(pk=lab_world["samples"][0].pk).update(producer_region_id="370304", producer_name="博山酱园")
    batch = services.create_batch(actor=lab_world["zhang"], name="lab.xlsx",
                                  data=lab_xlsx(lab_rows(lab_world["samples"], items=1, fail={0})))  # fmt: skip
    services.process_batch(batch)
    lab_world["disposal"] = Disposal.objects.get()
    return lab_world


def test_the_station_records_the_five_steps_and_closes_on_the_page(case):
    client = _client(case["zhang"])
    url = reverse("sampling:disposal_detail", args=[case["disposal"].pk])
    answer = client.post(url, {"action": "close"}, follow=True)
    assert "以下环节尚未到位" in answer.content.decode()
    for code, _label in Disposal.STEPS:
        client.post(url, {"action": "step", "step": code, "note": f"{code} 情况"})
    answer = client.post(url, {"action": "close"}, follow=True)
    assert "核查处置已办结（按期）" in answer.content.decode()
    assert Disposal.objects.get().status == Disposal.Status.CLOSED


def test_the_enterprise_reads_its_own_failed_sample_and_case_but_cannot_act(case, make_user):
    owner = make_user(Role.ENTERPRISE, "370725001001", entity=case["shop"])
    client = _client(owner)
    listing = client.get(reverse("sampling:disposals")).content.decode()
    assert case["samples"][0].number in listing
    url = reverse("sampling:disposal_detail", args=[case["disposal"].pk])
    page = client.get(url).content.decode()
    assert "问题产品控制到位" in page and 'name="action"' not in page
    assert client.post(url, {"action": "close"}).status_code == 403


def test_the_receiving_region_acknowledges_and_replies_on_the_page(case):
    notice = CrossRegionNotice.objects.get()
    client = _client(case["boshan"])
    assert case["samples"][0].number in client.get(reverse("sampling:notices") + "?pending=1").content.decode()
    url = reverse("sampling:notice_detail", args=[notice.pk])
    client.post(url, {"action": "ack"})
    client.post(url, {"action": "reply", "reply": "已立案调查"})
    notice.refresh_from_db()
    assert notice.acknowledged_at and notice.reply == "已立案调查"


def test_the_work_list_shows_overdue_cases_and_notices_to_acknowledge(case):
    from shian.sampling.worklist import disposal_items

    Disposal.objects.update(due_at=timezone.now() - datetime.timedelta(days=1))
    items = {i.key: i.count for i in disposal_items(user=case["zhang"], region_code=None, today=timezone.localdate())}
    assert items["disposals.overdue"] == 1
    theirs = {i.key: i.count for i in disposal_items(user=case["boshan"], region_code=None,
                                                     today=timezone.localdate())}  # fmt: skip
    assert theirs["notices.pending"] == 1 and theirs["disposals.overdue"] == 0


def test_the_enterprise_home_counts_its_own_failed_samples_under_disposal(case, make_user):
    from shian.sampling.worklist import disposal_items

    owner = make_user(Role.ENTERPRISE, "370725001001", entity=case["shop"])
    other = make_user(Role.ENTERPRISE, "370725001001", entity=Entity.objects.create(
        name="另一家超市", region_id="370725001001", business_type="sales", address="别处"))  # fmt: skip
    today = timezone.localdate()
    items = {i.key: i for i in disposal_items(user=owner, region_code=None, today=today)}
    assert items["disposals.own_open"].count == 1
    assert {i.key: i.count for i in disposal_items(user=other, region_code=None, today=today)} == {
        "disposals.own_open": 0
    }
    Disposal.objects.update(status=Disposal.Status.CLOSED)
    assert disposal_items(user=owner, region_code=None, today=today)[0].count == 0
