"""Writes of the emergency-plan register and of the trainings and drills held on the plans (docs/emergency.md
§3): each with its file (a PDF or a photo, checked by content), in the actor's jurisdiction, audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shian.core import audit
from shian.core.jurisdiction import scope_queryset
from shian.core.uploads import check_upload

from ..models import EmergencyPlan, Exercise
from . import common

PLAN_AUDITED = ["region_id", "title", "version", "department", "approved_on", "file_name"]
EXERCISE_AUDITED = ["region_id", "plan_id", "kind", "title", "held_on", "organizer", "participants", "file_name"]


def _file(upload, errors: dict):
    if upload is None:
        return None
    try:
        return check_upload(upload, allow_pdf=True)
    except ValidationError as exc:
        errors["file"] = exc.messages
        return None


def _attach(row, checked) -> None:
    if checked is not None:
        row.file.save(checked.shown.name, checked.shown, save=False)
        row.file_name, row.content_type = checked.name, checked.content_type


@transaction.atomic
def create_plan(*, actor, region_code: str = "", title: str = "", version: str = "", department: str = "",
                approved_on=None, upload=None) -> EmergencyPlan:  # fmt: skip
    """Add a plan (or a new version of one) to the register."""
    common.require_writer(actor)
    errors: dict = {}
    region, _entity = common.place(actor, region_code, None, errors)
    values = {"title": title, "version": version, "department": department}
    title = common.text(values, EmergencyPlan, "title", errors, required=True)
    version = common.text(values, EmergencyPlan, "version", errors, required=True)
    department = common.text(values, EmergencyPlan, "department", errors, required=True)
    approved_on = common.day(approved_on, "approved_on", _("批准日期"), errors)
    if (
        region
        and title
        and version
        and EmergencyPlan.objects.filter(region=region, title=title, version=version).exists()
    ):
        errors["version"] = [_("“%(t)s”的版本 %(v)s 已登记。") % {"t": title, "v": version}]
    checked = _file(upload, errors)
    if errors:
        raise ValidationError(errors)
    plan = EmergencyPlan(region=region, title=title, version=version, department=department, approved_on=approved_on,
                         created_by=actor)  # fmt: skip
    _attach(plan, checked)
    plan.save()
    audit.record(actor=actor, action="emergency_plan.create", obj=plan, region_code=plan.region_id,
                 after=audit.snapshot(plan, PLAN_AUDITED))  # fmt: skip
    return plan


@transaction.atomic
def create_exercise(*, actor, region_code: str = "", kind: str = "", title: str = "", held_on=None,
                    organizer: str = "", participants=0, findings: str = "", plan_id=None,
                    upload=None) -> Exercise:  # fmt: skip
    """Record a training on a plan, or a tabletop or live drill."""
    common.require_writer(actor)
    errors: dict = {}
    region, _entity = common.place(actor, region_code, None, errors)
    if kind not in Exercise.Kind.values:
        errors["kind"] = [_("请选择类型（预案培训、桌面推演或实战演练）。")]
    values = {"title": title, "organizer": organizer, "findings": findings}
    title = common.text(values, Exercise, "title", errors, required=True)
    organizer = common.text(values, Exercise, "organizer", errors)
    findings = common.text(values, Exercise, "findings", errors)
    participants = common.count(participants, "participants", _("参加人数"), errors)
    held_on = common.day(held_on, "held_on", _("日期"), errors)
    plan = None
    if plan_id not in (None, ""):
        plan = (
            scope_queryset(EmergencyPlan.objects.filter(pk=plan_id), actor).first() if str(plan_id).isdigit() else None
        )
        if plan is None:
            errors["plan"] = [_("应急预案不存在或不在您的管辖范围内。")]
    checked = _file(upload, errors)
    if errors:
        raise ValidationError(errors)
    exercise = Exercise(region=region, plan=plan, kind=kind, title=title, held_on=held_on, organizer=organizer,
                        participants=participants, findings=findings, created_by=actor)  # fmt: skip
    _attach(exercise, checked)
    exercise.save()
    audit.record(actor=actor, action="exercise.create", obj=exercise, region_code=exercise.region_id,
                 after=audit.snapshot(exercise, EXERCISE_AUDITED))  # fmt: skip
    return exercise
