"""Correction requests on a credit file (docs/credit.md §3).

    submit_correction(actor=, entity_id=, kind=, record_id=, reason=, attachment=None) -> CorrectionRequest
    review_correction(actor=, pk=, accept=, note=) -> CorrectionRequest

Only the entity's own users (enterprise accounts bound to it) submit, and only on an item of their own file: a
request on another entity's file is refused (403), a record that is not in the file is named as such. The station
(station staff and administrators in whose jurisdiction the entity lies) reviews: accepting means the record has
been corrected in its own module (the note says how), rejecting needs a reason. While a request is pending, the
item is marked in the file and `selectors.public.under_review` keeps it off the public portal. Every step is
audited; the reviewers are told of a new request and the submitter of the decision."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.access import STATION
from shian.accounts.models import Role, User
from shian.core import audit
from shian.core.jurisdiction import get_in_scope
from shian.core.notifiers import deliver
from shian.core.regioncodes import COUNTY, TOWNSHIP, ancestor, level_of, prefixes
from shian.core.uploads import check_upload
from shian.entities.models import Entity

from ..models import CorrectionRequest, ItemKind
from ..selectors.files import item_of
from .recompute import queue

REASON_MAX = 2000
NOTE_MAX = CorrectionRequest._meta.get_field("note").max_length


def can_review(actor) -> bool:
    return bool(actor.is_superuser or getattr(actor, "role", None) in STATION)


def reviewers(region_code: str) -> list[User]:
    """Station staff and administrators whose region contains the entity's, from its county down."""
    near = [code for code in prefixes(region_code) if (level_of(code) or 0) >= COUNTY]
    return list(User.objects.filter(is_active=True, role__in=list(STATION), region_id__in=near))


@transaction.atomic
def submit_correction(*, actor, entity_id: int, kind: str, record_id: int, reason: str,
                      attachment=None) -> CorrectionRequest:  # fmt: skip
    if getattr(actor, "role", None) != Role.ENTERPRISE or not actor.entity_id:
        raise PermissionDenied(_("更正申请由主体本单位的企业用户提交。"))
    if int(entity_id) != actor.entity_id:
        raise PermissionDenied(_("只能对本单位的信用档案提出更正申请，不能对其他主体的档案提出。"))
    entity = Entity.objects.get(pk=actor.entity_id)
    errors = {}
    if kind not in ItemKind.values or kind == ItemKind.DUTY:
        errors["kind"] = [_("请选择要更正的记录类型。")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请说明哪里有误、应当如何更正。")]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [_("更正理由不超过 %(n)d 字。") % {"n": REASON_MAX}]
    item = None
    if "kind" not in errors:
        item = item_of(entity_id=entity.pk, kind=kind, record_id=int(record_id))
        if item is None:
            errors["record_id"] = [_("本单位的信用档案中没有这条记录。")]
    if (
        item is not None
        and CorrectionRequest.objects.filter(
            entity=entity, kind=kind, record_id=record_id, status=CorrectionRequest.Status.PENDING
        ).exists()
    ):
        errors["record_id"] = [_("这条记录已有审核中的更正申请，请等待审核结果。")]
    checked = None
    if attachment is not None and not errors:
        try:
            checked = check_upload(attachment, allow_pdf=True)
        except ValidationError as exc:
            errors["attachment"] = exc.messages
    if errors:
        raise ValidationError(errors)
    request = CorrectionRequest(
        entity=entity, region_id=entity.region_id, kind=kind, record_id=int(record_id),
        record_text=str(item.get("title") or "")[:300], reason=reason, submitted_by=actor,
        submitted_at=timezone.now(),
    )  # fmt: skip
    if checked is not None:
        request.attachment.save(checked.shown.name, checked.shown, save=False)
        request.attachment_name, request.attachment_type = checked.name, checked.content_type
    request.save()
    audit.record(actor=actor, action="credit.correction_submit", obj=request, region_code=entity.region_id,
                 after={"kind": kind, "record_id": request.record_id, "reason": reason[:200]})  # fmt: skip
    url = reverse("credit:correction_detail", args=[request.pk])
    transaction.on_commit(lambda: deliver(
        users=reviewers(entity.region_id), kind="credit.correction_submitted", url=url,
        text=_("%(entity)s 对信用档案中的“%(item)s”提出更正申请，请审核。") % {"entity": entity.name,
                                                                    "item": request.record_text},
        group=f"credit-corrections-{ancestor(entity.region_id, TOWNSHIP)}", group_text=_("%(n)d 件信用信息更正申请待审核"),
        group_url=reverse("credit:correction_list"),
    ))  # fmt: skip
    return request


@transaction.atomic
def review_correction(*, actor, pk: int, accept: bool, note: str) -> CorrectionRequest:
    if not can_review(actor):
        raise PermissionDenied(_("只有市场监管部门人员可以审核更正申请。"))
    request = get_in_scope(CorrectionRequest.objects.select_for_update(of=("self",)), actor, pk=pk)
    if request.status != CorrectionRequest.Status.PENDING:
        raise ValidationError({"status": [_("该申请已审核，不能再次审核。")]})
    note = (note or "").strip()
    if not note:
        message = _("请写明在原模块中作了哪些更正。") if accept else _("请写明不予采纳的理由。")
        raise ValidationError({"note": [message]})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [_("审核意见不超过 %(n)d 字。") % {"n": NOTE_MAX}]})
    before = audit.snapshot(request, ["status", "note"])
    request.status = CorrectionRequest.Status.ACCEPTED if accept else CorrectionRequest.Status.REJECTED
    request.note, request.reviewed_by, request.reviewed_at = note, actor, timezone.now()
    request.save(update_fields=["status", "note", "reviewed_by", "reviewed_at"])
    audit.record(actor=actor, action="credit.correction_accept" if accept else "credit.correction_reject",
                 obj=request, region_code=request.region_id, before=before,
                 after=audit.snapshot(request, ["status", "note"]))  # fmt: skip
    queue([request.entity_id])
    submitter = request.submitted_by
    text = _("您对“%(item)s”的更正申请：%(status)s。%(note)s") % {
        "item": request.record_text, "status": request.get_status_display(), "note": note}  # fmt: skip
    url = reverse("credit:file", args=[request.entity_id])
    transaction.on_commit(lambda: deliver(users=[submitter], text=text, url=url, kind="credit.correction_reviewed"))
    return request
