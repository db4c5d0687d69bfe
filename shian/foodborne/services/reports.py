"""A foodborne-disease case reported by a medical institution (docs/foodborne.md §1): the patient's identity checked
and kept as personal data, the suspected place matched to an entity when one is named, and the report checked for a
cluster at once (§2)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role
from shian.core import audit
from shian.core.jurisdiction import require_in_scope, scope_queryset
from shian.entities.models import Entity
from shian.entities.validators import validate_phone, validate_resident_id
from shian.regions.models import Region

from ..models import CaseReport
from . import clusters

REPORTERS = ADMIN_ROLES | {Role.STATION_STAFF, Role.DEPARTMENT_STAFF}
CLOCK_SKEW = datetime.timedelta(minutes=10)
MAX_PATIENTS = 10_000  # a bound on input, not a rule
# Audited without the patient's name; ID and phone are masked by the audit service itself.
AUDITED = ["region_id", "department_id", "institution", "id_number", "phone", "patient_count", "symptoms",
           "suspected_food", "suspected_place", "entity_id", "onset_at"]  # fmt: skip


def can_report(user) -> bool:
    return user.is_superuser or user.role in REPORTERS


def normalized(text: str) -> str:
    """The key two reports share when they name the same food or place: no spaces or punctuation, lower case."""
    return "".join(ch for ch in (text or "").lower() if ch.isalnum())[:200]


def _text(value, field: str, label: str, limit: int, errors: dict, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors[field] = [_("请填写%(f)s。") % {"f": label}]
    elif len(text) > limit:
        errors[field] = [_("%(f)s不能超过 %(n)d 字。") % {"f": label, "n": limit}]
    return text


def _place(actor, region_code: str, entity_id, errors: dict) -> tuple[Region | None, Entity | None]:
    entity = None
    if entity_id not in (None, ""):
        entity = (scope_queryset(Entity.objects.all(), actor).filter(pk=entity_id).first()
                  if str(entity_id).isdigit() else None)  # fmt: skip
        if entity is None:
            errors["entity_id"] = [_("市场主体不存在或不在您的管辖范围内。")]
        region_code = region_code or (entity.region_id if entity else "")
    region = Region.objects.filter(code=region_code).first() if region_code else None
    if region is None:
        errors["region_code"] = [_("请选择可疑场所所在区划。") if not region_code
                                 else _("区划“%(c)s”不存在。") % {"c": region_code}]  # fmt: skip
        return None, entity
    require_in_scope(actor, region.code)
    if entity is not None and not entity.region_id.startswith(region.code):
        errors["entity_id"] = [_("市场主体“%(n)s”不在所选区划内。") % {"n": entity.name}]
    return region, entity


def report_case(*, actor, region_code: str = "", institution: str = "", patient_name: str = "", id_number: str = "",
                phone: str = "", patient_count=1, symptoms: str = "", suspected_food: str = "",
                suspected_place: str = "", entity_id=None, onset_at=None) -> CaseReport:  # fmt: skip
    """Record a case report; a suspected food or a suspected place (or entity) is required, the onset may not lie
    in the future. Nothing is written when anything is wrong."""
    if not can_report(actor):
        raise PermissionDenied(_("只有医疗机构（部门账号）、市场监管所人员和管理员可以报告食源性疾病病例。"))
    errors: dict = {}
    region, entity = _place(actor, region_code, entity_id, errors)
    institution = _text(institution, "institution", _("报告医疗机构"), 100, errors, required=True)
    patient_name = _text(patient_name, "patient_name", _("患者姓名"), 50, errors, required=True)
    id_number = str(id_number or "").strip()
    if id_number:
        try:
            id_number = validate_resident_id(id_number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages
    phone = str(phone or "").strip()
    if phone:
        try:
            phone = validate_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    try:
        patient_count = int(patient_count)
    except (TypeError, ValueError):
        patient_count = 0
    if not 1 <= patient_count <= MAX_PATIENTS:
        errors["patient_count"] = [_("病例数应为 1 到 %(n)d 的整数。") % {"n": MAX_PATIENTS}]
    symptoms = _text(symptoms, "symptoms", _("主要症状"), 500, errors, required=True)
    suspected_food = _text(suspected_food, "suspected_food", _("可疑食品"), 100, errors)
    suspected_place = _text(suspected_place, "suspected_place", _("可疑场所"), 200, errors)
    if entity is not None and not suspected_place:
        suspected_place = entity.name[:200]
    if not suspected_food and not suspected_place and "entity_id" not in errors:
        errors["suspected_food"] = [_("请至少填写可疑食品或可疑场所之一。")]
    if not isinstance(onset_at, datetime.datetime) or timezone.is_naive(onset_at):
        errors["onset_at"] = [_("请填写发病时间。")]
    elif onset_at > timezone.now() + CLOCK_SKEW:
        errors["onset_at"] = [_("发病时间不能晚于现在。")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report = CaseReport.objects.create(
            region=region, department_id=actor.department_id, institution=institution, patient_name=patient_name,
            id_number=id_number, phone=phone, patient_count=patient_count, symptoms=symptoms,
            suspected_food=suspected_food, food_key=normalized(suspected_food), suspected_place=suspected_place,
            place_key=f"e{entity.pk}" if entity else normalized(suspected_place), entity=entity, onset_at=onset_at,
            reported_by=actor,
        )  # fmt: skip
        audit.record(actor=actor, action="foodborne.report", obj=report, region_code=region.code,
                     after=audit.snapshot(report, AUDITED))  # fmt: skip
        clusters.check_report(report)
    return report
