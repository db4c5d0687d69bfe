"""Correction requests (docs/credit.md §3): the entity's own users ask, on an item of their own file; another
entity's file is refused; the station reviews (accept with how it was corrected, reject with a reason); audited;
the item is marked meanwhile and kept off the public portal (`under_review`)."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from PIL import Image

from shian.core.models import AuditEntry, Notification
from shian.credit.models import CorrectionRequest
from shian.credit.selectors.files import credit_file
from shian.credit.selectors.public import under_review
from shian.credit.services.corrections import review_correction, submit_correction
from shian.entities.models import License

from .credit_world import failed_sample

pytestmark = pytest.mark.django_db


def _licence(entity) -> License:
    return License.objects.get(entity=entity)


def _submit(cw, **over):
    args = {"actor": cw.owner, "entity_id": cw.shop.pk, "kind": "license", "record_id": _licence(cw.shop).pk,
            "reason": "许可证有效期登记错误，应为2031年"}  # fmt: skip
    return submit_correction(**{**args, **over})


def _png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, format="PNG")
    return SimpleUploadedFile("证明.png", out.getvalue(), content_type="image/png")


def test_the_owner_asks_for_a_correction_and_the_item_is_under_review(cw, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = _submit(cw, attachment=_png())
    assert request.status == CorrectionRequest.Status.PENDING
    assert request.record_text == "食品经营许可证" and request.attachment_type == "image/jpeg"
    assert under_review([cw.shop.pk, cw.neighbour.pk]) == {("license", _licence(cw.shop).pk)}
    shown = credit_file(user=cw.owner, entity_id=cw.shop.pk)
    assert shown["licences"][0]["under_review"] is True
    assert AuditEntry.objects.filter(action="credit.correction_submit", object_id=str(request.pk)).exists()
    assert Notification.objects.filter(user=cw.station).exists()  # the reviewers are told
    assert not Notification.objects.filter(user=cw.outsider).exists()


def test_a_correction_request_on_another_entitys_file_is_refused(cw):
    with pytest.raises(PermissionDenied, match="只能对本单位"):
        _submit(cw, entity_id=cw.neighbour.pk, record_id=_licence(cw.neighbour).pk)
    assert not CorrectionRequest.objects.exists()


def test_another_entitys_record_named_on_the_own_file_is_not_in_the_file(cw):
    with pytest.raises(ValidationError) as exc:
        _submit(cw, record_id=_licence(cw.neighbour).pk)
    assert "record_id" in exc.value.message_dict
    sample = failed_sample(cw.neighbour)
    with pytest.raises(ValidationError):
        _submit(cw, kind="sample", record_id=sample.pk)


def test_staff_do_not_submit_and_a_reason_is_required(cw):
    with pytest.raises(PermissionDenied):
        _submit(cw, actor=cw.station)
    with pytest.raises(ValidationError) as exc:
        _submit(cw, reason="  ")
    assert "reason" in exc.value.message_dict


def test_a_second_request_on_the_same_item_waits_for_the_first(cw):
    _submit(cw)
    with pytest.raises(ValidationError, match="审核中"):
        _submit(cw)


def test_the_station_accepts_with_a_note_and_the_mark_goes(cw):
    request = _submit(cw)
    with pytest.raises(ValidationError) as exc:
        review_correction(actor=cw.station, pk=request.pk, accept=True, note="")
    assert "note" in exc.value.message_dict
    done = review_correction(actor=cw.station, pk=request.pk, accept=True, note="已在主体登记中更正许可证有效期")
    assert done.status == CorrectionRequest.Status.ACCEPTED and done.reviewed_by == cw.station
    assert under_review([cw.shop.pk]) == set()
    entry = AuditEntry.objects.get(action="credit.correction_accept")
    assert entry.before["status"] == "pending" and entry.after["status"] == "accepted"
    with pytest.raises(ValidationError, match="已审核"):
        review_correction(actor=cw.station, pk=request.pk, accept=False, note="再审")


def test_a_rejection_needs_a_reason_and_reviewers_outside_the_region_get_a_404(cw):
    request = _submit(cw)
    with pytest.raises(Http404):
        review_correction(actor=cw.outsider, pk=request.pk, accept=False, note="不予采纳")
    with pytest.raises(PermissionDenied):
        review_correction(actor=cw.owner, pk=request.pk, accept=True, note="自己批准")
    done = review_correction(actor=cw.county, pk=request.pk, accept=False, note="许可证信息与发证机关记录一致")
    assert done.status == CorrectionRequest.Status.REJECTED
    assert AuditEntry.objects.filter(action="credit.correction_reject").exists()


def test_the_file_is_the_entitys_own_for_enterprise_accounts_and_in_reach_for_staff(cw):
    assert credit_file(user=cw.county, entity_id=cw.far.pk)["entity"] == cw.far
    with pytest.raises(Http404):  # the 宝都 station does not hold 乔官
        credit_file(user=cw.station, entity_id=cw.far.pk)
    with pytest.raises(Http404):
        credit_file(user=cw.owner, entity_id=cw.neighbour.pk)
    with pytest.raises(Http404):
        credit_file(user=cw.outsider, entity_id=cw.shop.pk)
