"""On-site guidance of a dinner (docs/dinners.md §4): the guidance checklist that applies in the village (the
checklist engine), answered in full and signed by the guide with the host's name; the task is then done. A resend
with the same client key returns the record already stored."""

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.checklists import services as checklists
from shian.checklists.models import Checklist, Result
from shian.core import audit
from shian.core.jurisdiction import require_in_scope

from ..models import GUIDANCE_KIND, GuidanceAnswer, GuidanceTask, GuidanceVisit
from .chefs import can_keep

CLOCK_SKEW = datetime.timedelta(minutes=10)


def checklist_for(task: GuidanceTask) -> Checklist:
    checklist = checklists.resolve_checklist(kind=GUIDANCE_KIND, region_code=task.region_id)
    if checklist is None:
        raise ValidationError(_("尚未配置农村集体聚餐现场指导检查表。"))
    return checklist


def may_guide(user, task: GuidanceTask) -> bool:
    """The task's assignee, or the station and administrators over the village."""
    if user.is_superuser:
        return True
    if task.assignee_id == user.pk:
        return True
    return can_keep(user) and task.region_id.startswith(user.region_id or "~")


def sign_guidance(*, actor, task: GuidanceTask, client_key: uuid.UUID | str, checklist_id: int, answers: list[dict],
                  host_signer: str = "", summary: str = "", started_at=None) -> tuple[GuidanceVisit, bool]:  # fmt: skip
    """Store the signed guidance record; returns (record, created)."""
    key = checklists.client_key(client_key)
    existing = GuidanceVisit.objects.filter(client_key=key).first()
    if existing is not None:
        if existing.signed_by_id != actor.pk:
            raise ValidationError({"client_key": [_("提交编号已被使用。")]})
        return existing, False
    try:
        with transaction.atomic():
            visit = _sign(actor=actor, task=task, key=key, checklist_id=checklist_id, answers=answers,
                          host_signer=host_signer, summary=summary, started_at=started_at)  # fmt: skip
    except IntegrityError:
        existing = GuidanceVisit.objects.filter(client_key=key).first()
        if existing is None:
            raise
        return existing, False
    return visit, True


def _sign(*, actor, task, key, checklist_id, answers, host_signer, summary, started_at) -> GuidanceVisit:
    task = GuidanceTask.objects.select_for_update(of=("self",)).select_related("dinner").get(pk=task.pk)
    if task.assignee_id != actor.pk:
        require_in_scope(actor, task.region_id)
    if not may_guide(actor, task):
        raise PermissionDenied(_("您不是该聚餐的指导人员。"))
    if task.status != GuidanceTask.Status.OPEN:
        raise ValidationError(_("该聚餐已完成现场指导，不能重复提交。"))
    checklist = checklist_for(task)
    errors: dict[str, list[str]] = {}
    if checklist_id != checklist.pk:
        errors["checklist_id"] = [_("检查表已更新为第 %(v)d 版，请重新打开表单填写。") % {"v": checklist.version}]
    now = timezone.now()
    started_at = started_at or now
    if timezone.is_naive(started_at) or started_at > now + CLOCK_SKEW:
        errors["started_at"] = [_("开始指导时间无效。")]
    host_signer = (host_signer or "").strip()
    if not host_signer or len(host_signer) > 50:
        errors["host_signer"] = [_("请填写举办者签字姓名（不超过 50 字）。")]
    summary = (summary or "").strip()
    if len(summary) > 2000:
        errors["summary"] = [_("指导意见不能超过 2000 字。")]
    items = {item.pk: item for item in checklist.items.all()}
    given, answer_errors = checklists.check_answers(items, answers)
    if answer_errors and "checklist_id" not in errors:
        errors["answers"] = answer_errors
    if errors:
        raise ValidationError(errors)
    failed = sum(a["result"] == Result.FAIL for a in given.values())
    visit = GuidanceVisit.objects.create(
        client_key=key, checklist=checklist, started_at=min(started_at, now), signed_at=now,
        signer_name=(actor.name or actor.username)[:50], signed_by=actor, task=task, region_id=task.region_id,
        host_signer=host_signer, summary=summary, failed=failed,
    )  # fmt: skip
    GuidanceAnswer.objects.bulk_create(
        GuidanceAnswer(visit=visit, item_id=pk, result=a["result"], note=a["note"]) for pk, a in given.items()
    )
    GuidanceTask.objects.filter(pk=task.pk).update(status=GuidanceTask.Status.DONE, done_at=now)
    audit.record(actor=actor, action="dinners.guidance", obj=visit, region_code=task.region_id,
                 after={"task": task.pk, "checklist": checklist.pk, "version": checklist.version, "failed": failed,
                        "host_signer": host_signer})  # fmt: skip
    return visit
