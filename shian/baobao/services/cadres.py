"""Writes to the cadre roster: identity and level checked against the region tree, in scope, audited; a cadre
who leaves starts the change clocks; the yearly commitment (承诺书) confirmed online."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core import audit
from shian.core.jurisdiction import require_in_scope
from shian.core.permissions import require_perm
from shian.core.validation import full_clean_as, reject_unknown
from shian.entities import validators
from shian.regions.models import Region

from ..models import REGION_LEVEL_OF, Cadre, CadreLevel, Change, Commitment
from .changes import ChangeDeadlines

CADRE_FIELDS = (
    "name", "id_number", "phone", "level", "position", "department_code", "region_code", "is_regulator", "capacity",
)  # fmt: skip
_AUDITED = ["id", "name", "level", "position", "department", "region", "is_regulator", "capacity", "status", "user"]


def _clean(*, actor, data: dict, cadre: Cadre | None) -> dict:
    errors: dict[str, list[str]] = {}
    out = dict(data)
    if "name" in data and not (data["name"] or "").strip():
        errors["name"] = [_("请填写姓名。")]
    for field, check in (("id_number", validators.validate_resident_id), ("phone", validators.validate_phone)):
        if data.get(field):
            try:
                out[field] = check(data[field])
            except ValidationError as exc:
                errors[field] = exc.messages
    if out.get("id_number") and "id_number" not in errors:
        clash = Cadre.objects.filter(id_number=out["id_number"]).exclude(pk=getattr(cadre, "pk", None))
        if clash.exists():
            errors["id_number"] = [_("该身份证号已登记为包保干部。")]
    level = data.get("level", getattr(cadre, "level", ""))
    if level not in CadreLevel.values:
        errors["level"] = [_("包保层级应为市级、县级、乡级或村级。")]
    code = data.get("region_code", getattr(cadre, "region_id", None))
    region = Region.objects.filter(code=code or "").first()
    if region is None:
        errors["region_code"] = [_("区划代码不存在：%(code)s") % {"code": code}]
    else:
        require_in_scope(actor, region.code)
        if level in CadreLevel.values and region.level != REGION_LEVEL_OF[level]:
            errors["region_code"] = [
                _("%(level)s干部的所属区划应为%(region_level)s级区划。")
                % {"level": CadreLevel(level).label, "region_level": Region.Level(REGION_LEVEL_OF[level]).label}
            ]
        out["region"] = region
    out.pop("region_code", None)
    if "department_code" in out:
        out["department_id"] = out.pop("department_code") or None
    if errors:
        raise ValidationError(errors)
    return out


def _save(cadre: Cadre, values: dict) -> Cadre:
    for field, value in values.items():
        setattr(cadre, field, value)
    full_clean_as(cadre, exclude=["region"], rename={"department": "department_code"})
    cadre.save()
    return cadre


@transaction.atomic
def create_cadre(*, actor, **data) -> Cadre:
    require_perm(actor, "baobao.manage_cadres")
    reject_unknown(data, CADRE_FIELDS)
    cadre = _save(Cadre(), _clean(actor=actor, data=data, cadre=None))
    snap = audit.snapshot(cadre, fields=_AUDITED)
    audit.record(actor=actor, action="cadre.create", obj=cadre, region_code=cadre.region_id, after=snap)
    return cadre


@transaction.atomic
def update_cadre(*, actor, cadre: Cadre, **changes) -> Cadre:
    require_perm(actor, "baobao.manage_cadres")
    require_in_scope(actor, cadre.region_id)
    reject_unknown(changes, CADRE_FIELDS)
    before = audit.snapshot(cadre, fields=_AUDITED)
    _save(cadre, _clean(actor=actor, data=changes, cadre=cadre))
    after = audit.snapshot(cadre, fields=_AUDITED)
    audit.record(actor=actor, action="cadre.update", obj=cadre, region_code=cadre.region_id, before=before, after=after)
    return cadre


@transaction.atomic
def record_cadre_left(*, actor, cadre: Cadre, left_on) -> Cadre:
    """A cadre leaves: kept on the roster for history; the engine reassigns their entities (docs/domain.md §4.5), and a
    cadre_left change starts the report and reassignment clocks (settled at once when they guarantee nobody)."""
    require_perm(actor, "baobao.manage_cadres")
    require_in_scope(actor, cadre.region_id)
    before = audit.snapshot(cadre, fields=_AUDITED)
    cadre.status, cadre.left_on = Cadre.Status.LEFT, left_on
    cadre.save(update_fields=["status", "left_on", "updated_at"])
    if not Change.objects.filter(kind=Change.Kind.CADRE_LEFT, cadre=cadre, resolved_at=None).exists():
        now = timezone.now()
        change = ChangeDeadlines().change(
            kind=Change.Kind.CADRE_LEFT, cadre_id=cadre.pk, region_id=cadre.region_id, occurred_on=left_on, now=now
        )
        change.resolved_at = None if cadre.guarantees.exists() else now
        change.save()
    after = audit.snapshot(cadre, fields=_AUDITED)
    audit.record(actor=actor, action="cadre.left", obj=cadre, region_code=cadre.region_id, before=before, after=after)
    return cadre


@transaction.atomic
def confirm_commitment(*, actor, cadre: Cadre, year: int) -> Commitment:
    """The cadre (or an administrator for them) confirms the year's 承诺书: timestamped, once, audited."""
    require_in_scope(actor, cadre.region_id)
    if cadre.user_id != actor.pk:
        require_perm(actor, "baobao.manage_cadres")
    existing = Commitment.objects.filter(cadre=cadre, year=year).first()
    if existing is not None:
        return existing
    commitment = Commitment.objects.create(
        cadre=cadre,
        year=year,
        confirmed_at=timezone.now(),
        confirmed_by=actor,
        entity_count=cadre.guarantees.count(),
    )
    audit.record(
        actor=actor,
        action="commitment.confirm",
        obj=commitment,
        region_code=cadre.region_id,
        after=audit.snapshot(commitment),
    )
    return commitment
