"""Pages and API of credit (docs/credit.md §5): the file for staff in reach and for the entity's own users only,
the correction form and its refusal on another entity's file, the review, the insurance pages; no informant's
name or phone in a file."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from shian.credit.models import CorrectionRequest
from shian.credit.services.recompute import recompute_region
from shian.entities.models import License

from .credit_world import penalty, upheld_report

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_file_page_shows_the_class_and_the_records_that_set_it(cw):
    penalty(cw.shop)
    upheld_report(cw.shop)
    recompute_region(region_code="370725")
    response = _client(cw.station).get(reverse("credit:file", args=[cw.shop.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "行政处罚" in text and "投诉举报查实" in text and 'data-testid="rating-events"' in text
    assert "王小明" not in text and "13812345678" not in text  # the informant never appears
    assert 'data-testid="recompute"' in text and 'data-testid="correction-form"' not in text


def test_the_owner_sees_its_own_file_with_the_correction_form_and_not_the_neighbours(cw):
    owner = _client(cw.owner)
    mine = owner.get(reverse("credit:file", args=[cw.shop.pk]))
    assert mine.status_code == 200 and 'data-testid="correction-form"' in mine.content.decode()
    assert owner.get(reverse("credit:file", args=[cw.neighbour.pk])).status_code == 404
    assert owner.get(reverse("credit:rating_list")).status_code == 403


def test_a_correction_posted_on_another_entitys_file_is_refused_and_nothing_is_stored(cw):
    owner = _client(cw.owner)
    licence = License.objects.get(entity=cw.neighbour)
    response = owner.post(reverse("credit:correction_submit", args=[cw.neighbour.pk]),
                          {"kind": "license", "record_id": licence.pk, "reason": "不对"})  # fmt: skip
    assert response.status_code == 403
    api = owner.post(f"/api/v1/credit/files/{cw.neighbour.pk}/corrections",
                     {"kind": "license", "record_id": licence.pk, "reason": "不对"}, content_type="application/json")  # fmt: skip
    assert api.status_code == 403
    assert not CorrectionRequest.objects.exists()


def test_the_form_submits_then_the_station_reviews_on_the_page(cw):
    licence = License.objects.get(entity=cw.shop)
    response = _client(cw.owner).post(reverse("credit:correction_submit", args=[cw.shop.pk]),
                                      {"kind": "license", "record_id": licence.pk, "reason": "有效期有误"}, follow=True)  # fmt: skip
    assert "更正申请已提交" in response.content.decode()
    request = CorrectionRequest.objects.get()
    marked = _client(cw.owner).get(reverse("credit:file", args=[cw.shop.pk])).content.decode()
    assert 'data-testid="under-review"' in marked
    station = _client(cw.station)
    listed = station.get(reverse("credit:correction_list") + "?status=pending").content.decode()
    assert f'data-testid="correction-{request.pk}"' in listed
    empty = station.post(reverse("credit:correction_review", args=[request.pk]), {"decision": "reject"}, follow=True)
    assert "请写明不予采纳的理由" in empty.content.decode()
    station.post(
        reverse("credit:correction_review", args=[request.pk]), {"decision": "reject", "note": "与发证记录一致"}
    )
    request.refresh_from_db()
    assert request.status == CorrectionRequest.Status.REJECTED


def test_a_bad_form_names_the_field(cw):
    response = _client(cw.owner).post(reverse("credit:correction_submit", args=[cw.shop.pk]),
                                      {"kind": "license", "record_id": "", "reason": ""}, follow=True)  # fmt: skip
    text = response.content.decode()
    assert "请说明哪里有误" in text and "没有这条记录" in text


def test_the_api_gives_the_file_the_ratings_and_takes_a_correction(cw):
    penalty(cw.shop)
    recompute_region(region_code="370725")
    station = _client(cw.station)
    got = station.get(f"/api/v1/credit/files/{cw.shop.pk}")
    assert got.status_code == 200
    body = got.json()
    assert body["rating"]["band"] and body["sections"]["penalties"][0]["kind"] == "penalty"
    ratings = station.get("/api/v1/credit/ratings?region=370725").json()
    assert [r["entity_id"] for r in ratings["items"]][0] == cw.shop.pk  # lowest first
    licence = License.objects.get(entity=cw.shop)
    posted = _client(cw.owner).post(f"/api/v1/credit/files/{cw.shop.pk}/corrections",
                                    json.dumps({"kind": "license", "record_id": licence.pk, "reason": "有误"}),
                                    content_type="application/json")  # fmt: skip
    assert posted.status_code == 201 and posted.json()["status"] == "pending"
    review = station.post(f"/api/v1/credit/corrections/{posted.json()['id']}/review",
                          {"decision": "accept", "note": "已更正"}, content_type="application/json")  # fmt: skip
    assert review.status_code == 200 and review.json()["status"] == "accepted"
    assert _client(cw.outsider).get(f"/api/v1/credit/files/{cw.shop.pk}").status_code == 404


def test_the_insurance_pages_enter_import_and_list(cw):
    station = _client(cw.station)
    bad = station.post(reverse("credit:policy_add"), {"entity_id": cw.shop.pk, "insurer": "人保", "number": "X1",
                                                      "starts_on": "2026-05-01", "ends_on": "2026-04-01", "cover": "1"})  # fmt: skip
    assert bad.status_code == 422 and "保险止期早于起期" in bad.content.decode()
    good = station.post(reverse("credit:policy_add"), {"entity_id": cw.shop.pk, "insurer": "人保", "number": "X1",
                                                       "starts_on": "2026-01-01", "ends_on": "2026-12-31", "cover": "1"})  # fmt: skip
    assert good.status_code == 302
    template = station.get(reverse("credit:policy_template"))
    assert template.status_code == 200 and b"".join(template.streaming_content).startswith(b"PK")
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = (
        "许可证编号,保险公司,保单号,保险起期,保险止期,累计赔偿限额\nJY13707250000009,人保,X2,2026-01-01,2026-12-31,1\n"
    )
    refused = station.post(reverse("credit:policy_import"),
                           {"file": SimpleUploadedFile("p.csv", csv.encode(), content_type="text/csv")})  # fmt: skip
    text = refused.content.decode()
    assert refused.status_code == 422 and "第 2 行" in text and 'data-testid="error-report"' in text
    page = station.get(reverse("credit:policy_list")).content.decode()
    listed = page[page.index("<tbody>") : page.index("</tbody>")]  # the CSRF token may contain "X2"
    assert "X1" in listed and "X2" not in listed
