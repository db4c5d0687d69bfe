"""A county's evaluation at work (docs/evaluation.md §2): tasks per sub-item and department (one instance per period
for recurring sub-items), evidence from the department that owns the task, and the 食安办's review — accept or
return with a reason, points within the sub-item's maximum, 合理缺项 where the catalog allows it, a failed veto.
Every write checks the jurisdiction and is audited; nothing is half-written."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role
from shian.core import audit
from shian.core.jurisdiction import require_in_scope
from shian.core.regioncodes import COUNTY, level_of
from shian.core.uploads import check_upload
from shian.regions.models import Region

from ..models import Catalog, Evaluation, Evidence, Recurrence, Result, SubItem, Task

MONTHS_PER = {Recurrence.MONTHLY: 1, Recurrence.QUARTERLY: 3, Recurrence.HALF_YEARLY: 6, Recurrence.YEARLY: 12}


def is_reviewer(user) -> bool:
    """The 食安办: administrators of the county or above."""
    return user.is_superuser or user.role in ADMIN_ROLES


def _require_reviewer(user, evaluation: Evaluation) -> None:
    if not is_reviewer(user):
        raise PermissionDenied(_("只有食安办（管理员）可以审核评价任务。"))
    require_in_scope(user, evaluation.region_id)


def period_of(recurrence: str, day: datetime.date) -> tuple[datetime.date | None, datetime.date | None]:
    """(start, last day) of the period of `recurrence` containing `day`; (None, None) for a one-off sub-item."""
    if recurrence == Recurrence.WEEKLY:
        start = day - datetime.timedelta(days=day.weekday())
        return start, start + datetime.timedelta(days=6)
    months = MONTHS_PER.get(recurrence)
    if not months:
        return None, None
    first_month = (day.month - 1) // months * months + 1
    start = day.replace(month=first_month, day=1)
    end_month = first_month + months
    end = datetime.date(day.year + 1, 1, 1) if end_month > 12 else datetime.date(day.year, end_month, 1)
    return start, end - datetime.timedelta(days=1)


def _one_off_due(catalog: Catalog, started_on: datetime.date) -> datetime.date:
    """One-off work is due by the end of the catalog's last valid year (the acceptance), or of the year the
    evaluation started when a county takes up a catalog after its last valid year."""
    return datetime.date(max(catalog.valid_to or started_on.year, started_on.year), 12, 31)


def generate_tasks(evaluation: Evaluation, as_of: datetime.date) -> int:
    """Create the tasks due to exist on `as_of`: one per one-off sub-item and department, and the current period's
    instance of every recurring sub-item already started. Idempotent; returns how many were created."""
    existing = set(Task.objects.filter(evaluation=evaluation).values_list("sub_item_id", "department_id",
                                                                          "period_start"))  # fmt: skip
    subs = (SubItem.objects.filter(catalog=evaluation.catalog).prefetch_related("lead", "support")
            .order_by("no"))  # fmt: skip
    new = []
    for sub in subs:
        if sub.start and sub.start > as_of:
            continue
        start, end = period_of(sub.recurrence, as_of)
        due = end or _one_off_due(evaluation.catalog, evaluation.started_on)
        for lead, departments in ((True, sub.lead.all()), (False, sub.support.all())):
            for dept in departments:
                if (sub.id, dept.code, start) in existing:
                    continue
                existing.add((sub.id, dept.code, start))
                new.append(Task(evaluation=evaluation, sub_item=sub, department=dept, lead=lead,
                                period_start=start, due=due))  # fmt: skip
    Task.objects.bulk_create(new, batch_size=500)
    return len(new)


@transaction.atomic
def start_evaluation(*, actor, region_code: str, catalog_version: str, started_on: datetime.date | None = None):
    """Open the county's evaluation against a catalog and create its first tasks."""
    if not is_reviewer(actor):
        raise PermissionDenied(_("只有食安办（管理员）可以启动示范创建评价。"))
    region = Region.objects.filter(code=region_code).first()
    if region is None or level_of(region.code) != COUNTY:
        raise ValidationError({"region_code": [_("区划“%(c)s”不是县（区）。") % {"c": region_code}]})
    require_in_scope(actor, region.code)
    catalog = Catalog.objects.filter(version=catalog_version).first()
    if catalog is None:
        raise ValidationError({"catalog": [_("评价细则版本“%(v)s”不存在，请先载入。") % {"v": catalog_version}]})
    if Evaluation.objects.filter(region=region, catalog=catalog).exists():
        raise ValidationError({"catalog": [_("该县（区）已按此细则开展评价。")]})
    started_on = started_on or timezone.localdate()
    evaluation = Evaluation.objects.create(region=region, catalog=catalog, started_on=started_on)
    created = generate_tasks(evaluation, started_on)
    audit.record(actor=actor, action="evaluation.start", obj=evaluation, region_code=region.code,
                 after={"catalog": catalog.version, "tasks": created})  # fmt: skip
    return evaluation


def generate_due(as_of: datetime.date | None = None) -> int:
    """The scheduled job's work: every evaluation's tasks for the period containing `as_of`."""
    as_of = as_of or timezone.localdate()
    return sum(generate_tasks(ev, as_of) for ev in Evaluation.objects.select_related("catalog"))


def _own_task(actor, task: Task) -> None:
    require_in_scope(actor, task.evaluation.region_id)
    if actor.is_superuser or is_reviewer(actor):
        return
    if actor.role != Role.DEPARTMENT_STAFF or actor.department_id != task.department_id:
        raise PermissionDenied(_("这是其他部门的任务，不能为其提交佐证材料。"))


@transaction.atomic
def add_evidence(*, actor, task: Task, upload=None, link: str = "", note: str = "") -> Evidence:
    """A file, a link to a shian record (a path on this site) or a note for the actor's own department's task;
    the task becomes 已提交."""
    task = Task.objects.select_for_update().select_related("evaluation").get(pk=task.pk)
    _own_task(actor, task)
    errors: dict = {}
    link, note = (link or "").strip(), (note or "").strip()
    if link and (not link.startswith("/") or link.startswith("//") or len(link) > 300):
        errors["link"] = [_("平台记录链接须为本平台内的路径（以 / 开头，不超过 300 字符）。")]
    if len(note) > 1000:
        errors["note"] = [_("说明不能超过 1000 字。")]
    checked = None
    if upload is not None:
        try:
            checked = check_upload(upload)
        except ValidationError as exc:
            errors["file"] = exc.messages
    if not (upload or link or note):
        errors["file"] = [_("请上传文件、填写平台记录链接或说明，至少一项。")]
    if task.status == Task.Status.ACCEPTED:
        errors["task"] = [_("任务已审核通过，不能再提交佐证材料。")]
    if errors:
        raise ValidationError(errors)
    evidence = Evidence(task=task, link=link, note=note, submitted_by=actor)
    if checked is not None:
        evidence.file.save(checked.shown.name, checked.shown, save=False)
    evidence.save()
    task.status = Task.Status.SUBMITTED
    task.save(update_fields=["status"])
    audit.record(actor=actor, action="evaluation.evidence", obj=task, region_code=task.evaluation.region_id,
                 after={"evidence": evidence.pk, "link": link, "file": bool(checked), "note": note[:100]})  # fmt: skip
    return evidence


@transaction.atomic
def review(*, actor, task: Task, accept: bool, reason: str = "") -> Task:
    """Accept a submitted task, or return it to the department with a reason."""
    task = Task.objects.select_for_update().select_related("evaluation").get(pk=task.pk)
    _require_reviewer(actor, task.evaluation)
    reason = (reason or "").strip()
    if task.status != Task.Status.SUBMITTED:
        raise ValidationError({"task": [_("只能审核已提交佐证材料的任务。")]})
    if not accept and not reason:
        raise ValidationError({"reason": [_("退回时请填写理由。")]})
    if len(reason) > 500:
        raise ValidationError({"reason": [_("理由不能超过 500 字。")]})
    task.status = Task.Status.ACCEPTED if accept else Task.Status.RETURNED
    task.return_reason = "" if accept else reason
    task.reviewed_by, task.reviewed_at = actor, timezone.now()
    task.save(update_fields=["status", "return_reason", "reviewed_by", "reviewed_at"])
    audit.record(actor=actor, action="evaluation.review", obj=task, region_code=task.evaluation.region_id,
                 after={"status": task.status, "reason": reason})  # fmt: skip
    return task


def _result(evaluation: Evaluation, sub: SubItem) -> Result:
    if sub.catalog_id != evaluation.catalog_id:
        raise ValidationError({"sub_item": [_("小项不属于本次评价的细则。")]})
    result, _created = Result.objects.select_for_update().get_or_create(evaluation=evaluation, sub_item=sub)
    return result


@transaction.atomic
def assign_points(*, actor, evaluation: Evaluation, sub_item: SubItem, points) -> Result:
    """The reviewer's points for a sub-item, within 0 and its maximum (one decimal)."""
    _require_reviewer(actor, evaluation)
    try:
        value = Decimal(str(points).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"points": [_("得分“%(v)s”不是数字。") % {"v": points}]}) from None
    if sub_item.veto:
        raise ValidationError({"points": [_("否决项不计分，只认定是否否决。")]})
    if value < 0 or value > sub_item.points or value != value.quantize(Decimal("0.1")):
        raise ValidationError({"points": [_("第 %(n)d 小项得分须在 0 至 %(m)s 分之间（最多一位小数），%(v)s 超出范围。")
                                          % {"n": sub_item.no, "m": f"{sub_item.points.normalize():f}", "v": points}]})  # fmt: skip
    result = _result(evaluation, sub_item)
    before = {"points": str(result.points) if result.points is not None else None}
    result.points, result.not_applicable, result.decided_by = value, False, actor
    result.save()
    audit.record(actor=actor, action="evaluation.points", obj=evaluation, region_code=evaluation.region_id,
                 before=before, after={"sub_item": sub_item.no, "points": str(value)})  # fmt: skip
    return result


@transaction.atomic
def mark_not_applicable(*, actor, evaluation: Evaluation, sub_item: SubItem, reason: str) -> Result:
    """合理缺项: only where the catalog allows it, with a reason."""
    _require_reviewer(actor, evaluation)
    reason = (reason or "").strip()
    if not sub_item.may_be_na:
        raise ValidationError({"sub_item": [_("第 %(n)d 小项不可认定为合理缺项。") % {"n": sub_item.no}]})
    if not reason or len(reason) > 500:
        raise ValidationError({"reason": [_("请填写合理缺项的理由（不超过 500 字）。")]})
    result = _result(evaluation, sub_item)
    result.not_applicable, result.points, result.reason, result.decided_by = True, None, reason, actor
    result.save()
    audit.record(actor=actor, action="evaluation.not_applicable", obj=evaluation, region_code=evaluation.region_id,
                 after={"sub_item": sub_item.no, "reason": reason})  # fmt: skip
    return result


@transaction.atomic
def decide_veto(*, actor, evaluation: Evaluation, sub_item: SubItem, failed: bool, reason: str = "") -> Result:
    """Record whether a veto item (否决项) fails the evaluation; failing needs a reason."""
    _require_reviewer(actor, evaluation)
    reason = (reason or "").strip()
    if not sub_item.veto:
        raise ValidationError({"sub_item": [_("第 %(n)d 小项不是否决项。") % {"n": sub_item.no}]})
    if failed and (not reason or len(reason) > 500):
        raise ValidationError({"reason": [_("认定否决时请填写理由（不超过 500 字）。")]})
    result = _result(evaluation, sub_item)
    result.veto_failed, result.reason, result.decided_by = failed, reason, actor
    result.save()
    audit.record(actor=actor, action="evaluation.veto", obj=evaluation, region_code=evaluation.region_id,
                 after={"sub_item": sub_item.no, "failed": failed, "reason": reason})  # fmt: skip
    return result
