"""Editing the rule store: a new version of a rule for a region, with its effective date and reason, and the
reads behind the rules page (docs/architecture.md §6.1).

A version is never edited or deleted: a change is a newer version. Who may add one: the holders of
`core.edit_rules` (province, city and county administrators), for their own region or a region inside it; a
region outside their jurisdiction is a 404, the national defaults ('' prefix) are for superusers only.

    add_rule_version(actor=, code=, region_code=, amount=, valid_from=, reason=, source="", confirm_past=False)
    rule_overview(user=, region_code=) -> list[RuleLine]   every registered rule, its value in force, its versions
    rule_history(user=, code=, region_code=) -> RuleLine   one rule's versions for the region's chain
    check_policy_version(actor=, model=, region_code=, valid_from=, reason=, confirm_past=)
                                                the same checks for a policy table's new version (the app's service
                                                adds its own and writes: baobao.services.add_policy_version,
                                                duties.services.add_staffing_policy_version)
    policy_versions(user=, qs=, region_code=)   a policy table's row in force and its versions

Refused with a message naming the field: an unknown code; an amount outside the sane range of its unit
(`SANE_RANGE`); an empty reason; an effective date on or before that of the newest version for the same code and
region (the resolver picks the highest version among those in force, so versions must take effect in order: the
same date is an overlap, an earlier one would be shadowed); and an effective date in the past.

Past dates: deadlines copy the rule they were computed with (§3.3), so a new version never rewrites a stored
deadline; it does change what is computed from now on for past days (a problem found last week and recorded
today, a quarter's visit count). A past date is therefore refused unless the caller confirms it explicitly
(`confirm_past=True`, the page's "追溯生效" box); the audit entry then says `retroactive: true`.
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, rules
from .jurisdiction import region_under, require_in_scope
from .models import DeadlineRule
from .permissions import require_perm
from .regioncodes import is_region_code, prefixes

# The values a rule of each unit may take: wide enough for any real rule, narrow enough to catch a typo
# (a deadline of 0 working days, a frequency of 10,000 visits a quarter).
SANE_RANGE = {
    rules.WORKING_DAYS: (1, 250),
    rules.CALENDAR_DAYS: (1, 3650),
    rules.HOURS: (1, 8760),
    rules.COUNT: (1, 1000),
    rules.MINUTES: (1, 1440),
    rules.METRES: (1, 100_000),
    rules.CLASS_HOURS: (1, 500),
}


@dataclass
class RuleLine:
    """A registered rule as the rules page shows it: the declaration, the rule in force, the versions."""

    definition: rules.RuleDef
    in_force: rules.Rule
    versions: list = field(default_factory=list)  # DeadlineRule rows, newest first

    @property
    def code(self) -> str:
        return self.definition.code

    @property
    def unit_label(self) -> str:
        return DeadlineRule.Unit(self.definition.unit).label


def _today() -> datetime.date:
    return timezone.localdate()


def _region_exists(code: str) -> bool:
    return apps.get_model("regions", "Region").objects.filter(code=code).exists()


@transaction.atomic
def add_rule_version(
    *,
    actor,
    code: str,
    region_code: str | None,
    amount,
    valid_from: datetime.date | None,
    reason: str,
    source: str = "",
    confirm_past: bool = False,
) -> DeadlineRule:
    """Add a version of rule `code` for `region_code` taking effect on `valid_from` (see the module docstring)."""
    require_perm(actor, "core.edit_rules")
    region_code = (region_code or "").strip()
    if not region_code:
        if not actor.is_superuser:
            raise PermissionDenied(_("只有系统管理员可以修改全国默认规则。"))
    elif not is_region_code(region_code) or not _region_exists(region_code):
        raise ValidationError({"region_code": [_("区划代码不存在：%(code)s") % {"code": region_code}]})
    require_in_scope(actor, region_code)
    definition = rules.registered().get(code)
    if definition is None:
        raise ValidationError({"code": [_("未知的规则编码：%(code)s") % {"code": code}]})
    errors: dict[str, list[str]] = {}
    low, high = SANE_RANGE.get(definition.unit, (1, 100_000))
    unit_label = DeadlineRule.Unit(definition.unit).label
    try:
        amount = int(amount)
    except (TypeError, ValueError):
        errors["amount"] = [_("数值应为整数。")]
    else:
        if not low <= amount <= high:
            errors["amount"] = [
                _("数值 %(v)s 超出合理范围：以“%(unit)s”为单位时应在 %(low)d 至 %(high)d 之间。")
                % {"v": amount, "unit": unit_label, "low": low, "high": high}
            ]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请填写修订理由。")]
    elif len(reason) > 200:
        errors["reason"] = [_("修订理由不超过 200 字。")]
    existing = DeadlineRule.objects.select_for_update().filter(code=code, region_prefix=region_code)
    newest = existing.order_by("-version").first()
    message = _date_problem(newest, valid_from, confirm_past)
    if message:
        errors["valid_from"] = [message]
    if errors:
        raise ValidationError(errors)
    before = rules.rule(code, region_code, valid_from).as_dict()
    version = (existing.aggregate(v=Max("version"))["v"] or 0) + 1
    try:
        with transaction.atomic():  # two editors saving at once: the second is told, not given a 500
            row = DeadlineRule.objects.create(
                code=code, name=definition.name, region_prefix=region_code, version=version, unit=definition.unit,
                amount=amount, valid_from=valid_from, source=(source or "").strip()[:200] or definition.source,
                reason=reason, created_by=actor if actor.pk else None, created_at=timezone.now(),
            )  # fmt: skip
    except IntegrityError as exc:
        raise ValidationError(_("该规则刚被他人修订，请刷新后重试。")) from exc
    audit.record(
        actor=actor, action="rule.version", obj=row, region_code=region_code,
        before={"in_force": {k: audit.json_value(v) for k, v in before.items()}},
        after={**audit.snapshot(row), "retroactive": valid_from < _today()},
    )  # fmt: skip
    return row


# -- reads ------------------------------------------------------------------------------------------------------


def _rows_for(user, region_code: str, codes) -> list[DeadlineRule]:
    """Versions that bear on `region_code`: those of the regions containing it (national included) and, inside
    the user's jurisdiction, those of the regions below it."""
    region_code = region_code or ""
    near = Q(region_prefix__in=prefixes(region_code, national=True))
    if region_code:
        near |= Q(region_prefix__startswith=region_code)
    elif not user.is_superuser:
        return []
    return list(DeadlineRule.objects.filter(near, code__in=codes).select_related("created_by"))


def _line(definition, rows: list[DeadlineRule], region_code: str, on: datetime.date) -> RuleLine:
    chain = set(prefixes(region_code, national=True))
    applying = [r for r in rows if r.region_prefix in chain and r.valid_from <= on]
    row = rules.pick(applying, lambda r: r.region_prefix)
    in_force = rules._from_row(row) if row is not None else rules._default(definition.code)
    versions = sorted(rows, key=lambda r: (r.region_prefix, -r.version))
    return RuleLine(definition=definition, in_force=in_force, versions=versions)


def rule_overview(*, user, region_code: str | None) -> list[RuleLine]:
    """Every registered rule with its value in force in `region_code` today and its versions (one query)."""
    if not user.has_perm("core.view_rules"):
        return []
    region_code = region_code or ""
    require_in_scope(user, region_code)
    registry = rules.registered()
    by_code: dict[str, list] = {}
    for row in _rows_for(user, region_code, list(registry)):
        by_code.setdefault(row.code, []).append(row)
    today = _today()
    return [_line(d, by_code.get(code, []), region_code, today) for code, d in sorted(registry.items())]


def rule_history(*, user, code: str, region_code: str | None) -> RuleLine:
    """One rule's versions for `region_code`; an unknown code (or no right to read rules) is a 404."""
    definition = rules.registered().get(code)
    if definition is None or not user.has_perm("core.view_rules"):
        raise Http404(_("未找到该规则。"))
    region_code = region_code or ""
    require_in_scope(user, region_code)
    return _line(definition, _rows_for(user, region_code, [code]), region_code, _today())


# -- policy tables ----------------------------------------------------------------------------------------------


def check_policy_version(
    *, actor, model, region_code: str | None, valid_from: datetime.date | None, reason: str, confirm_past: bool
) -> tuple[object, int, str, dict]:
    """The checks every policy table's new version shares with the rules (a model with a nullable `region`, a
    `version` and a `valid_from`): the right, the region (no region = the defaults, superusers only), the reason,
    the effective date in order and not in the past unless confirmed. Returns (region or None, the next version
    number, the trimmed reason, errors so far) for the app's service to add its own checks to and raise."""
    require_perm(actor, "core.edit_rules")
    region_code = (region_code or "").strip()
    region = None
    if not region_code:
        if not actor.is_superuser:
            raise PermissionDenied(_("只有系统管理员可以修改默认规则。"))
    else:
        region_model = model._meta.get_field("region").related_model
        region = region_model.objects.filter(code=region_code).first() if is_region_code(region_code) else None
        if region is None:
            raise ValidationError({"region_code": [_("区划代码不存在：%(code)s") % {"code": region_code}]})
    require_in_scope(actor, region_code)
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请填写修订理由。")]
    elif len(reason) > 200:
        errors["reason"] = [_("修订理由不超过 200 字。")]
    own = model.objects.select_for_update().filter(region=region)
    newest = own.order_by("-version").first()
    message = _date_problem(newest, valid_from, confirm_past)
    if message:
        errors["valid_from"] = [message]
    return region, (newest.version if newest else 0) + 1, reason, errors


def save_policy_version(*, actor, model, fields: dict, current, action: str, busy: str, region_code: str | None):
    """Store a policy table's new version checked by `check_policy_version` and audit it against the version it
    supersedes (`current`). Two editors saving at once: the second gets `busy`, not a 500."""
    try:
        with transaction.atomic():
            policy = model.objects.create(**fields)
    except IntegrityError as exc:
        raise ValidationError(busy) from exc
    audit.record(
        actor=actor, action=action, obj=policy, region_code=region_code or "",
        before={"policy": current.pk if current else None, "version": current.version if current else None},
        after=audit.snapshot(policy),
    )  # fmt: skip
    return policy


def _date_problem(newest, valid_from: datetime.date | None, confirm_past: bool) -> str:
    if valid_from is None:
        return _("请填写生效日期。")
    if newest is not None and valid_from == newest.valid_from:
        return _("该区划已有 %(day)s 起生效的版本 v%(v)d，生效日期不能重叠。") % {
            "day": valid_from,
            "v": newest.version,
        }
    if newest is not None and valid_from < newest.valid_from:
        return _("生效日期不得早于该区划最新版本 v%(v)d 的生效日期 %(day)s。") % {
            "v": newest.version,
            "day": newest.valid_from,
        }
    if valid_from < _today() and not confirm_past:
        return _(
            "生效日期 %(day)s 早于今天：已计算的期限不会改变，但此后按过去日期计算的期限和统计将按新值执行。"
            "如确需追溯生效，请勾选“确认追溯生效”。"
        ) % {"day": valid_from}
    return ""


def policy_versions(*, user, qs, region_code: str | None) -> tuple[object, list]:
    """A policy table's row in force for `region_code` today and the versions bearing on it (the regions
    containing it, the defaults, and inside the user's jurisdiction the regions below it), newest first."""
    if not user.has_perm("core.view_rules"):
        raise Http404(_("未找到该规则。"))
    region_code = region_code or ""
    require_in_scope(user, region_code)
    near = Q(region__isnull=True) | Q(region_id__in=prefixes(region_code))
    if region_code:
        near |= region_under(qs.model, "region", region_code)
    elif user.is_superuser:
        near = Q()
    versions = sorted(qs.filter(near), key=lambda r: (r.region_id or "", -r.version))
    return rules.most_specific(qs, region_code), versions
