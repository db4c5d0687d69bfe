"""Editing warning rules (docs/warnings.md §1): county staff and above change a rule's level, window, parameters or
whether it runs; each change is a new version (the old one kept for the warnings it raised), validated per kind and
audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shian.accounts.models import Role
from shian.core import audit

from .. import signals
from ..models import Level, WarningRule

EDITORS = frozenset({Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN})
FIELDS = ("level", "window_days", "params", "active")


def can_edit(user) -> bool:
    return user.is_superuser or user.role in EDITORS


def _int(value, name: str):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValidationError(_("%(n)s“%(v)s”不是整数。") % {"n": name, "v": value}) from None


def edit_rule(*, actor, code: str, changes: dict) -> WarningRule:
    """A new current version of rule `code` with `changes` (a subset of level, window_days, params, active)."""
    if not can_edit(actor):
        raise PermissionDenied(_("只有县级及以上管理员可以修改预警规则。"))
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise ValidationError(
            _("预警规则没有字段“%(f)s”（可改：%(a)s）。") % {"f": "、".join(unknown), "a": "、".join(FIELDS)}
        )
    with transaction.atomic():
        old = WarningRule.objects.select_for_update().filter(code=code, is_current=True).first()
        if old is None:
            raise ValidationError(_("没有编码为“%(c)s”的预警规则。") % {"c": code})
        level = changes.get("level", old.level)
        if level not in Level.values:
            raise ValidationError(
                _("预警等级“%(l)s”无效（可选：%(a)s）。") % {"l": level, "a": "、".join(Level.values)}
            )
        window = _int(changes.get("window_days", old.window_days), _("时间窗"))
        params = signals.validate(kind=old.kind, scope=old.scope, window_days=window,
                                  params=changes.get("params", old.params))  # fmt: skip
        active = bool(changes.get("active", old.active))
        WarningRule.objects.filter(pk=old.pk).update(is_current=False)
        new = WarningRule.objects.create(
            code=old.code, version=old.version + 1, name=old.name, kind=old.kind, level=level, scope=old.scope,
            window_days=window, params=params, source=old.source, active=active, created_by=actor,
        )  # fmt: skip
        audit.record(actor=actor, action="warnings.rule", obj=new,
                     before={f: getattr(old, f) for f in FIELDS} | {"version": old.version},
                     after={f: getattr(new, f) for f in FIELDS} | {"version": new.version})  # fmt: skip
    return new
