"""A new version of the 包保 policy (grading rules, level per grade, workloads, department matches) for a region,
with its effective date and reason; earlier versions stay (graded entities name the version they were graded by).
The shared checks (right, region, reason, effective date) are the rule store's (shian.core.ruleversions)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shian.accounts.models import Department
from shian.core.ruleversions import check_policy_version, save_policy_version

from .. import grading
from ..models import CadreLevel, Policy

CAPACITY_RANGE = (1, 1000)  # entities one cadre may guarantee: a sanity bound, not a rule number


def _part_errors(*, level_for_grade, capacity, department_match) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not isinstance(level_for_grade, dict) or set(level_for_grade) != set(grading.GRADES):
        errors["level_for_grade"] = [_("各级包保层级须为 A、B、C、D 每个等级指定一个层级。")]
    elif bad := [g for g, level in level_for_grade.items() if level not in CadreLevel.values]:
        errors["level_for_grade"] = [
            _("等级 %(g)s 的包保层级无效（应为 city、county、township、village）。") % {"g": "、".join(bad)}
        ]
    low, high = CAPACITY_RANGE
    if not isinstance(capacity, dict) or set(capacity) - set(CadreLevel.values):
        errors["capacity"] = [_("包保上限须按层级（city、county、township、village）填写。")]
    elif bad := [
        k for k, v in capacity.items() if not isinstance(v, int) or isinstance(v, bool) or not low <= v <= high
    ]:
        errors["capacity"] = [
            _("层级 %(k)s 的包保上限应为 %(low)d 至 %(high)d 之间的整数。")
            % {"k": "、".join(bad), "low": low, "high": high}
        ]
    if not isinstance(department_match, dict):
        errors["department_match"] = [_("行业主管部门对应应为“主体类型: 部门编码”。")]
    else:
        known = set(Department.objects.filter(pk__in=list(department_match.values())).values_list("pk", flat=True))
        bad = [f"{k}: {v}" for k, v in department_match.items() if v not in known]
        if bad:
            errors["department_match"] = [_("未知的部门编码：%(bad)s。") % {"bad": "；".join(bad)}]
    return errors


@transaction.atomic
def add_policy_version(
    *,
    actor,
    region_code: str | None,
    valid_from: datetime.date | None,
    reason: str,
    grade_rules=None,
    level_for_grade=None,
    capacity=None,
    department_match=None,
    confirm_past: bool = False,
) -> Policy:
    """Add a version of the 包保 policy for `region_code` from `valid_from`; a part left out is copied from the
    policy in force there on that day. Audited with the policy it supersedes."""
    region, version, reason, errors = check_policy_version(
        actor=actor, model=Policy, region_code=region_code, valid_from=valid_from, reason=reason,
        confirm_past=confirm_past,
    )  # fmt: skip
    current = grading.most_specific(Policy.objects.all(), region_code or "", on=valid_from)
    parts = {
        "grade_rules": grade_rules if grade_rules is not None else getattr(current, "grade_rules", []),
        "level_for_grade": level_for_grade if level_for_grade is not None else getattr(current, "level_for_grade", {}),
        "capacity": capacity if capacity is not None else getattr(current, "capacity", {}),
        "department_match": department_match
        if department_match is not None
        else getattr(current, "department_match", {}),
    }
    rule_errors = grading.rule_list_errors(parts["grade_rules"], graded=True)
    if rule_errors:
        errors["grade_rules"] = rule_errors
    errors.update(_part_errors(**{k: parts[k] for k in ("level_for_grade", "capacity", "department_match")}))
    if errors:
        raise ValidationError(errors)
    return save_policy_version(
        actor=actor, model=Policy, current=current, action="baobao.policy_version", region_code=region_code,
        fields={"region": region, "version": version, "valid_from": valid_from, "note": reason, "created_by": actor,
                **parts},
        busy=_("包保规则刚被他人修订，请刷新后重试。"),
    )  # fmt: skip
