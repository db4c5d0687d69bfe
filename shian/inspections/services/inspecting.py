"""Signing an inspection on the checklist engine (docs/inspections.md §5): answers checked against the version
that applies, two inspectors' signatures (a grid worker's 巡查: the worker's), the outcome, the catering level, repeat items, the publication date,
the rectification order, the annual 量化分级 and the regrade; locked afterwards, corrected only by addenda."""

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, User
from shian.checklists import services as checklists
from shian.checklists.models import Checklist, Result, Severity
from shian.core import audit, rules
from shian.core.jurisdiction import get_entity_row, require_in_scope
from shian.core.workdays import add_working_days

from ..checklists import checklist_for, is_catering, kind_for
from ..models import Inspection, InspectionAddendum, InspectionAnswer, InspectionTask, Outcome, Signature
from ..ruledefs import BASIC_GENERAL_MAX, MIN_INSPECTORS, PATROL_SIGNERS, PUBLISH_RESULTS, REPEAT_WINDOW
from . import catering, grading, rectification


def outcome_of(key_failed: int, general_failed: int, region_code: str, on: datetime.date | None = None) -> str:
    """〔2016〕58号: 不符合 if any 重点项 fails or more than `inspections.basic_general_max` 一般项 fail; 基本符合
    if some 一般项 fail; 符合 otherwise."""
    if key_failed or general_failed > rules.value(BASIC_GENERAL_MAX.code, region_code, on):
        return Outcome.NONCONFORM
    return Outcome.BASIC if general_failed else Outcome.CONFORM


def repeat_items(entity_id: int, texts: set[str], day: datetime.date, region_code: str) -> list[str]:
    """The failed item texts this entity also failed in another inspection within `inspections.repeat_window_days`
    before `day` (matched by the item's text, so a new checklist version still counts)."""
    if not texts:
        return []
    since = day - datetime.timedelta(days=rules.value(REPEAT_WINDOW.code, region_code, day))
    earlier = InspectionAnswer.objects.filter(
        inspection__entity_id=entity_id, inspection__inspected_on__gte=since, inspection__inspected_on__lte=day,
        result=Result.FAIL, item__text__in=texts,
    )  # fmt: skip
    found = set(earlier.values_list("item__text", flat=True))
    return sorted(found)


def _name(user) -> str:
    return user.name or user.username


def is_patrol(task: InspectionTask) -> bool:
    return task.kind == InspectionTask.Kind.PATROL


def min_signers(task: InspectionTask, region_code: str) -> int:
    """How many of the task's people must sign: a grid worker's 巡查 `inspections.patrol_signers` (the worker
    alone), every other inspection `inspections.min_inspectors` (two inspectors)."""
    rule = PATROL_SIGNERS if is_patrol(task) else MIN_INSPECTORS
    return rules.value(rule.code, region_code)


def _signatures(actor, task: InspectionTask, signatures: list[dict], minimum: int) -> list[tuple[User, str]]:
    """The handwritten signatures: each by a person of the task (for an inspection, an inspector of the entity's
    station; for a 巡查, its grid worker), the actor among them, at least `minimum`; a missing one names whose
    it is."""
    inspectors = {u.pk: u for u in task.inspectors.all()}
    if is_patrol(task):
        members = set(inspectors)
    else:
        members = set(task.station.inspectors.values_list("pk", flat=True)) if task.station_id else set()
    given: dict[int, str] = {}
    errors = []
    for sig in signatures or []:
        try:
            pk = int(sig.get("inspector"))
        except (TypeError, ValueError):
            errors.append(_("签名人无效。"))
            continue
        image = (sig.get("image") or "").strip()
        if not image:
            continue
        user = inspectors.get(pk)
        if user is None or pk not in members:
            stranger = User.objects.filter(pk=pk).first()
            who = _name(stranger) if stranger else str(pk)
            errors.append(
                _("%(n)s 不是本次巡查任务的网格员，不能签名。") % {"n": who}
                if is_patrol(task)
                else _("%(n)s 不是本次检查任务中本所的执法人员，不能签名。") % {"n": who}
            )
            continue
        try:
            given[pk] = checklists.png_signature(image, _name(user))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"signatures": errors})
    if actor.pk not in given:
        raise ValidationError({"signatures": [_("缺少 %(n)s（本人）的签名。") % {"n": _name(actor)}]})
    if len(given) < minimum:
        missing = [_name(u) for pk, u in inspectors.items() if pk not in given]
        raise ValidationError(
            {"signatures": [_("至少需要 %(m)d 名执法人员签名，缺少 %(n)s 的签名。")
                            % {"m": minimum, "n": "、".join(missing) or _("另一名执法人员")}]}
        )  # fmt: skip
    return [(inspectors[pk], image) for pk, image in given.items()]


def sign_inspection(
    *,
    actor,
    task: InspectionTask,
    client_key: uuid.UUID | str,
    checklist_id: int,
    answers: list[dict],
    signatures: list[dict],
    entity_signer: str,
    started_at: datetime.datetime | None,
    summary: str = "",
    latitude=None,
    longitude=None,
) -> tuple[Inspection, bool]:
    """Store a signed inspection; returns (inspection, created). A resend with the same client key returns the
    inspection already stored (the phone's outbox may send twice). Nothing is written when anything is wrong."""
    key = checklists.client_key(client_key)
    existing = Inspection.objects.filter(client_key=key).first()
    if existing is not None:
        return _same_sender(actor, existing), False
    try:
        with transaction.atomic():
            inspection = _sign(actor=actor, task=task, key=key, checklist_id=checklist_id, answers=answers,
                               signatures=signatures, entity_signer=entity_signer, started_at=started_at,
                               summary=summary, latitude=latitude, longitude=longitude)  # fmt: skip
    except IntegrityError:
        existing = Inspection.objects.filter(client_key=key).first()
        if existing is None:
            raise
        return _same_sender(actor, existing), False
    return inspection, True


def _same_sender(actor, inspection: Inspection) -> Inspection:
    if inspection.signed_by_id != actor.pk:
        raise ValidationError({"client_key": [_("提交编号已被使用。")]})
    return inspection


def _checklist(entity, checklist_id) -> Checklist:
    """The posted version, refused when it is not the one that applies now (a newer version came out
    mid-inspection: the form must be reopened)."""
    current = checklist_for(entity)
    if checklist_id == current.pk:
        return current
    posted = Checklist.objects.filter(pk=checklist_id, kind=kind_for(entity.business_type, entity.sub_type)).first()
    if posted is None:
        raise ValidationError({"checklist_id": [_("检查表不适用于该主体。")]})
    raise ValidationError(
        {"checklist_id": [_("检查表已更新：本次填写的是“%(t)s”第 %(old)d 版，现行为第 %(new)d 版。"
                            "请重新打开检查表单按新版填写。")
                          % {"t": posted.title, "old": posted.version, "new": current.version}]}
    )  # fmt: skip


def _sign(*, actor, task, key, checklist_id, answers, signatures, entity_signer, started_at, summary, latitude,
          longitude) -> Inspection:  # fmt: skip
    task = InspectionTask.objects.select_for_update(of=("self",)).select_related("entity", "station").get(pk=task.pk)
    entity = task.entity
    require_in_scope(actor, entity.region_id)
    if not task.inspectors.filter(pk=actor.pk).exists():
        raise PermissionDenied(_("您不是该检查任务的检查人员。"))
    if task.status != InspectionTask.Status.OPEN:
        raise ValidationError(_("该检查任务已%(s)s，不能再提交检查记录。") % {"s": task.get_status_display()})
    checklist = _checklist(entity, checklist_id)
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    if started_at is None or timezone.is_naive(started_at) or started_at > now + datetime.timedelta(minutes=10):
        errors["started_at"] = [_("开始检查时间无效。")]
    entity_signer = (entity_signer or "").strip()
    if not entity_signer or len(entity_signer) > 50:
        errors["entity_signer"] = [_("请填写被检查单位签字人姓名（不超过 50 字）。")]
    items = {item.pk: item for item in checklist.items.all()}
    given, answer_errors = checklists.check_answers(items, answers)
    if answer_errors:
        errors["answers"] = answer_errors
    minimum = min_signers(task, entity.region_id)
    try:
        signed = _signatures(actor, task, signatures, minimum)
    except ValidationError as exc:
        errors.setdefault("signatures", []).extend(exc.messages)
    lat, lon = checklists.location(latitude, longitude)
    if errors:
        raise ValidationError(errors)
    day = timezone.localdate(now)
    failed = [(items[pk], a["note"]) for pk, a in given.items() if a["result"] == Result.FAIL]
    key_failed = sum(item.severity == Severity.KEY for item, _note in failed)
    general_failed = len(failed) - key_failed
    outcome = outcome_of(key_failed, general_failed, entity.region_id, day)
    repeats = repeat_items(entity.pk, {item.text for item, _note in failed}, day, entity.region_id)
    publish_days = rules.value(PUBLISH_RESULTS.code, entity.region_id, day)
    inspection = Inspection.objects.create(
        client_key=key, checklist=checklist, started_at=started_at, signed_at=now, signer_name=_name(actor),
        signed_by=actor, task=task, entity=entity, region_id=entity.region_id, station=task.station, kind=task.kind,
        inspected_on=day, outcome=outcome, key_failed=key_failed, general_failed=general_failed,
        catering_level=catering.catering_level(outcome) if is_catering(entity) else "", repeat_items=repeats,
        summary=(summary or "")[:2000], entity_signer=entity_signer, latitude=lat, longitude=lon,
        publish_due=add_working_days(day, publish_days),
    )  # fmt: skip
    Signature.objects.bulk_create(
        Signature(inspection=inspection, inspector=user, name=_name(user), image=image, signed_at=now)
        for user, image in signed
    )
    rows = InspectionAnswer.objects.bulk_create(
        InspectionAnswer(inspection=inspection, item_id=pk, result=a["result"], note=a["note"])
        for pk, a in given.items()
    )
    for row in rows:
        attachments = given[row.item_id].get("attachments")
        if attachments:
            rectification.claim_photos(
                actor, attachments, inspection_id=inspection.pk, item_position=items[row.item_id].position
            )
    InspectionTask.objects.filter(pk=task.pk).update(status=InspectionTask.Status.DONE)
    order = None
    if outcome != Outcome.CONFORM:
        order = rectification.create_order(inspection, sorted(failed, key=lambda f: f[0].position),
                                           repeat=bool(repeats))  # fmt: skip
    if inspection.catering_level:
        catering.catering_year_grade(entity.pk, day.year)
    audit.record(
        actor=actor, action="inspection.sign", obj=inspection, region_code=inspection.region_id,
        after={**audit.snapshot(inspection, fields=["outcome", "key_failed", "general_failed", "catering_level",
                                                     "repeat_items", "inspected_on", "task"]),
               "answers": {str(r.item_id): r.result for r in rows}, "signatures": [u.pk for u, _i in signed],
               "order": order.number if order else None},
    )  # fmt: skip
    grading.regrade_entities([entity.pk], trigger="inspection", actor=actor)
    return inspection


@transaction.atomic
def add_addendum(*, actor, inspection: Inspection, text: str) -> InspectionAddendum:
    """Correct a signed inspection without changing it: by one of its signing inspectors, or an administrator."""
    get_entity_row(Inspection.objects.all(), actor, pk=inspection.pk)
    signers = set(inspection.signatures.values_list("inspector_id", flat=True))
    if actor.pk not in signers and not (actor.is_superuser or actor.role in ADMIN_ROLES):
        raise PermissionDenied(_("只有签字的执法人员或管理员可以补充说明。"))
    text = (text or "").strip()
    if not text or len(text) > 2000:
        raise ValidationError({"text": [_("请填写补充说明（不超过 2000 字）。")]})
    addendum = InspectionAddendum.objects.create(inspection=inspection, text=text, created_by=actor)
    audit.record(actor=actor, action="inspection.addendum", obj=inspection, region_code=inspection.region_id,
                 after={"addendum": text})  # fmt: skip
    return addendum
