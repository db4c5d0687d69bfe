"""The inspection pages (issue 19 item 4): the form posted as the phone posts it (answers, a photo, two
signatures), the locked detail with the faces and signatures, the 监督检查结果记录表 PDF, the API's idempotent
resend."""

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from shian.inspections.checklists import checklist_for
from shian.inspections.documents import result_record
from shian.inspections.models import Inspection, InspectionPhoto, Outcome

from .inspecting_world import answers, iworld_fixture, png_data_url, sign  # noqa: F401


def _jpeg():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, format="JPEG")
    return SimpleUploadedFile("kitchen.jpg", buffer.getvalue(), content_type="image/jpeg")


def _form(iworld, checklist, fail_position=None, with_b=True):
    data = {
        "client_key": str(uuid.uuid4()), "checklist_id": checklist.pk,
        "started_at": (timezone.now() - datetime.timedelta(minutes=20)).isoformat(), "entity_signer": "张老板",
        "summary": "整体良好", f"signature_{iworld.a.pk}": png_data_url(),
        f"signature_{iworld.b.pk}": png_data_url() if with_b else "",
    }  # fmt: skip
    for item in checklist.items.all():
        data[f"result_{item.pk}"] = "fail" if item.position == fail_position else "pass"
        if item.position == fail_position:
            data[f"note_{item.pk}"] = "健康证过期"
            data[f"photo_{item.pk}"] = _jpeg()
    return data


def test_the_form_signs_with_a_photo_and_shows_the_locked_record(iworld, client):
    client.force_login(iworld.a)
    checklist = checklist_for(iworld.entity)
    url = reverse("inspections:inspect", args=[iworld.task.pk])
    response = client.post(url, _form(iworld, checklist, fail_position=4))
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/records/{inspection.pk}/")
    assert inspection.outcome == Outcome.NONCONFORM
    photo = InspectionPhoto.objects.get()
    assert photo.inspection == inspection and photo.item_position == 4
    page = client.get(response["Location"]).content.decode()
    assert "已锁定" in page and "王检查" in page and "李检查" in page and "一般（平脸）" in page
    assert inspection.order.number in page
    assert client.get(reverse("inspections:photo", args=[photo.pk])).status_code == 200
    reopened = client.get(url).content.decode()  # the task is done: the form is gone, the record linked
    assert "inspection-form" not in reopened and f"/records/{inspection.pk}/" in reopened


def test_a_missing_signature_comes_back_as_a_message(iworld, client):
    client.force_login(iworld.a)
    checklist = checklist_for(iworld.entity)
    url = reverse("inspections:inspect", args=[iworld.task.pk])
    response = client.post(url, _form(iworld, checklist, with_b=False), HTTP_ACCEPT="application/json")
    assert response.status_code == 422
    assert any("李检查" in e for e in response.json()["errors"])
    assert not Inspection.objects.exists() and not InspectionPhoto.objects.exists()


def test_the_pdf_renders(iworld):
    inspection, _ = sign(iworld, fail={2: "未公示"})
    name, data = result_record(inspection)
    assert data.startswith(b"%PDF") and name.endswith(".pdf") and "老张饭店" in name


def test_the_pdf_download(iworld, client):
    inspection, _ = sign(iworld)
    client.force_login(iworld.enterprise)  # posted at the business: its own account may print it
    response = client.get(reverse("inspections:inspection_pdf", args=[inspection.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(iworld.other_enterprise)
    assert client.get(reverse("inspections:inspection_pdf", args=[inspection.pk])).status_code == 404


@pytest.mark.parametrize("resend", [1, 2])
def test_the_api_signs_once_per_client_key(iworld, client, resend):
    client.force_login(iworld.a)
    checklist = checklist_for(iworld.entity)
    body = {
        "task_id": iworld.task.pk, "client_key": str(uuid.uuid4()), "checklist_id": checklist.pk,
        "answers": answers(checklist, {3: "制度未上墙"}), "entity_signer": "张老板",
        "signatures": [{"inspector": u.pk, "image": png_data_url()} for u in (iworld.a, iworld.b)],
        "started_at": (timezone.now() - datetime.timedelta(minutes=20)).isoformat(),
    }  # fmt: skip
    statuses = [
        client.post("/api/v1/inspections/inspections", body, content_type="application/json").status_code
        for _ in range(resend + 1)
    ]
    assert statuses == [201] + [200] * resend and Inspection.objects.count() == 1
    detail = client.get(f"/api/v1/inspections/inspections/{Inspection.objects.get().pk}").json()
    assert detail["outcome"] == "basic" and detail["order"]["number"].startswith("整改〔")
    assert [s["inspector_id"] for s in detail["signatures"]] == [iworld.a.pk, iworld.b.pk]
