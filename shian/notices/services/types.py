"""Editing the notice types (docs/notices.md §1): a province, city or county administrator sets the types its region
uses. The first change of an inherited type makes the region's own row (a copy with the change); later changes edit
that row. National defaults (region '') are the superuser's. Audited with the values before and after."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shian.core import audit
from shian.core.validation import reject_unknown

from ..models import NoticeType
from ..selectors.notices import ISSUER_ROLES
from ..selectors.types import type_for

AUDITED = ["region_prefix", "code", "title", "grade", "reply_days", "doc_prefix", "template_text", "active"]
FIELDS = ("title", "grade", "reply_days", "doc_prefix", "template_text", "active")
LIMITS = {"title": 30, "doc_prefix": 20, "template_text": 2000}
MAX_GRADE, MAX_REPLY_DAYS = 20, 60


def editing_region(actor, region_code: str | None = None) -> str:
    """The region whose types the actor edits: its own (province, city or county administrators); a superuser
    edits the national defaults unless it names a region."""
    if actor.is_superuser:
        return region_code or ""
    if actor.role not in ISSUER_ROLES or not actor.region_id:
        raise PermissionDenied(_("只有省、市、县级管理员可以修改文书类型。"))
    return actor.region_id


def _clean(values: dict) -> dict:
    errors: dict = {}
    out = {}
    for field in ("title", "doc_prefix", "template_text"):
        text = str(values.get(field) or "").replace("\x00", "").strip()
        label = NoticeType._meta.get_field(field).verbose_name
        if len(text) > LIMITS[field]:
            errors[field] = [_("%(f)s不能超过 %(n)d 个字。") % {"f": label, "n": LIMITS[field]}]
        elif not text and field != "template_text":
            errors[field] = [_("请填写%(f)s。") % {"f": label}]
        out[field] = text
    for field, top in (("grade", MAX_GRADE), ("reply_days", MAX_REPLY_DAYS)):
        label = NoticeType._meta.get_field(field).verbose_name
        try:
            number = int(str(values.get(field)).strip())
        except (TypeError, ValueError):
            errors[field] = [_("%(f)s须为整数。") % {"f": label}]
            continue
        if not 1 <= number <= top:
            errors[field] = [_("%(f)s须在 1 到 %(n)d 之间。") % {"f": label, "n": top}]
        out[field] = number
    out["active"] = values.get("active") in (True, "1", "on", "true")
    if errors:
        raise ValidationError(errors)
    return out


def update_type(*, actor, code: str, region_code: str | None = None, **values) -> NoticeType:
    """Set type `code` for the actor's region (making the region's own row when it inherited the type)."""
    reject_unknown(values, FIELDS)
    region = editing_region(actor, region_code)
    current = type_for(str(code or ""), region)
    if current is None:
        raise ValidationError({"code": [_("未知的文书类型。")]})
    cleaned = _clean(values)
    with transaction.atomic():
        row = NoticeType.objects.select_for_update().filter(region_prefix=region, code=current.code).first()
        before = audit.snapshot(row or current, AUDITED)
        if row is None:
            row = NoticeType(region_prefix=region, code=current.code)
        for field, value in cleaned.items():
            setattr(row, field, value)
        row.updated_by = actor
        row.save()
        after = audit.snapshot(row, AUDITED)
        audit.record(actor=actor, action="notices.type_update", obj=row, region_code=region, before=before,
                     after=audit.changed(before, after) | {"region_prefix": region})  # fmt: skip
    return row
