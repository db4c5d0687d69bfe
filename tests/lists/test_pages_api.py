"""The staff pages and /api/v1/lists (docs/lists.md §4): the done-when chain over HTTP, the refusals answered with a
message or a 400 naming what is wrong, masked matches, and another county's staff kept out."""

import pytest
from django.test import Client

from shian.entities import services as entity_services
from shian.lists.models import DishonestyEntry, Edition, EditionLine, JointFlag
from shian.lists.services import dishonesty

from .conftest import LEGAL_REP_ID

pytestmark = pytest.mark.django_db
API = "/api/v1/lists"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_edition_goes_from_draft_to_poster_through_the_pages(lw):
    drafter = _client(lw.drafter)
    assert "起草新一期" in drafter.get("/lists/").content.decode()
    drafter.post("/lists/editions/new/", {"region": "370725"})
    edition = Edition.objects.get()
    page = drafter.get(f"/lists/editions/{edition.pk}/").content.decode()
    assert lw.bad.name in page and lw.good.name in page  # proposed candidates
    drafter.post(f"/lists/editions/{edition.pk}/lines/", {"source_kind": "cases.case", "source_id": lw.case.pk,
                                                        "reason": "经营超过保质期的食品，被处以罚款"})  # fmt: skip
    assert EditionLine.objects.filter(edition=edition, entity=lw.bad, board="black").exists()
    refused = drafter.post(f"/lists/editions/{edition.pk}/workflow/", {"do": "review"}, follow=True)
    assert "起草人不能审核" in refused.content.decode()
    _client(lw.reviewer).post(f"/lists/editions/{edition.pk}/workflow/", {"do": "review"})
    poster = drafter.get(f"/lists/editions/{edition.pk}/poster.pdf", follow=True)
    assert "经批准或已发布后才能生成" in poster.content.decode()
    same = _client(lw.reviewer).post(f"/lists/editions/{edition.pk}/workflow/", {"do": "approve"}, follow=True)
    assert "审核与批准须由两名不同人员" in same.content.decode()
    _client(lw.approver).post(f"/lists/editions/{edition.pk}/workflow/", {"do": "approve"})
    drafter.post(f"/lists/editions/{edition.pk}/workflow/", {"do": "publish"})
    assert Edition.objects.get().status == Edition.Status.PUBLISHED
    poster = drafter.get(f"/lists/editions/{edition.pk}/poster.pdf")
    assert poster.status_code == 200 and poster["Content-Type"] == "application/pdf"
    assert b"".join(poster.streaming_content).startswith(b"%PDF")


def test_the_api_runs_the_same_workflow_and_refuses_the_same_person(lw):
    drafter, reviewer = _client(lw.drafter), _client(lw.reviewer)
    created = drafter.post(f"{API}/editions", {"region_code": "370725"}, content_type="application/json")
    assert created.status_code == 201
    pk = created.json()["id"]
    candidates = drafter.get(f"{API}/editions/{pk}/candidates").json()
    assert {"cases.case", "sampling.sample", "inspections.cateringyeargrade"} <= {c["source_kind"] for c in candidates}
    for c in candidates:
        added = drafter.post(f"{API}/editions/{pk}/lines", {"source_kind": c["source_kind"], "source_id": c["source_id"],
                                                            "reason": c["reason"]}, content_type="application/json")  # fmt: skip
        assert added.status_code == 201
    own = drafter.post(f"{API}/editions/{pk}/workflow", {"do": "review"}, content_type="application/json")
    assert own.status_code == 422 and "起草人不能审核" in own.json()["message"]
    reviewer.post(f"{API}/editions/{pk}/workflow", {"do": "review"}, content_type="application/json")
    twice = reviewer.post(f"{API}/editions/{pk}/workflow", {"do": "approve"}, content_type="application/json")
    assert twice.status_code == 422
    _client(lw.approver).post(f"{API}/editions/{pk}/workflow", {"do": "approve"}, content_type="application/json")
    published = drafter.post(f"{API}/editions/{pk}/workflow", {"do": "publish"}, content_type="application/json")
    assert published.json()["status"] == "published"
    lines = published.json()["lines"]
    assert {line["source_kind"] for line in lines} == {"cases.case", "sampling.sample", "inspections.cateringyeargrade"}
    assert _client(lw.outsider).get(f"{API}/editions/{pk}").status_code == 404
    assert _client(lw.enterprise).get(f"{API}/editions").status_code == 403


def test_listing_needs_a_decided_case_over_the_api(lw):
    client = _client(lw.reviewer)
    missing = client.post(f"{API}/dishonesty", {"legal_basis": "第一百二十四条"}, content_type="application/json")
    assert missing.status_code == 422 and "须依据案件处理决定" in missing.json()["message"]
    listed = client.post(f"{API}/dishonesty", {"case_id": lw.case.pk}, content_type="application/json")
    assert listed.status_code == 201 and listed.json()["entity"] == lw.bad.name
    assert _client(lw.outsider).post(f"{API}/dishonesty", {"case_id": lw.case.pk},
                                     content_type="application/json").status_code == 404  # fmt: skip


def test_a_flag_shows_the_match_masked_on_page_and_api(lw):
    dishonesty.list_from_case(actor=lw.reviewer, case=lw.case)
    entity_services.add_key_person(actor=lw.reviewer, entity=lw.second, role="principal", name="王大明",
                                   id_number=LEGAL_REP_ID)  # fmt: skip
    page = _client(lw.drafter).get("/lists/flags/").content.decode()
    assert "1101**********002X" in page and LEGAL_REP_ID not in page and lw.second.name in page
    rows = _client(lw.drafter).get(f"{API}/flags").json()["items"]
    assert [r["match"] for r in rows] == ["1101**********002X"]
    assert _client(lw.outsider).get(f"{API}/flags").json()["items"] == []
    flag = JointFlag.objects.get()
    _client(lw.drafter).post(f"/lists/flags/{flag.pk}/handle/", {"note": "不予任职"})
    assert JointFlag.objects.get().status == JointFlag.Status.HANDLED


def test_the_business_sees_its_entry_and_applies_for_repair_on_its_page(lw):
    entry = dishonesty.list_from_case(actor=lw.reviewer, case=lw.case)
    boss = _client(lw.enterprise)
    page = boss.get(f"/lists/dishonesty/{entry.pk}/").content.decode()
    assert lw.bad.name in page and "联合惩戒比对标识" not in page
    early = boss.post(f"/lists/dishonesty/{entry.pk}/repair/", {"statement": "已整改"}, follow=True)
    assert "列入满规定期限后方可申请" in early.content.decode()
    assert DishonestyEntry.objects.get().status == DishonestyEntry.Status.LISTED


def test_the_entry_form_without_a_case_says_so(lw):
    response = _client(lw.drafter).post("/lists/dishonesty/new/", {"legal_basis": "x"}, follow=True)
    assert "须依据案件处理决定" in response.content.decode()
    assert not DishonestyEntry.objects.exists()
