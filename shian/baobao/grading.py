"""包保 grading (docs/domain.md §4.1): an entity's grade is the best grade among the policy rules it meets, D if none.

Pure functions over plain values so a province (a million rows) grades without model instances.
"""

from django.utils.translation import gettext as _

from shian.core.rules import most_specific
from shian.entities import models as entity_models

from .models import Policy

GRADES = "ABCD"

# Grade counts cities reported in seed 003 (docs/domain.md §4.3), shown beside a region's own distribution.
REFERENCE_COUNTS = {
    "济南市": {"A": 30, "B": 619, "C": 5346, "D": 98019},
    "淄博市": {"A": 73, "B": 450, "C": 2377, "D": 57415},
    "东营市": {"A": 29, "B": 231, "C": 1347, "D": 30706},
}
ENTITY_FIELDS = ("sub_type", "business_type", "diners", "floor_area", "sales_band")


def policy_for(region_code: str) -> Policy:
    """The newest version of the most specific policy whose region contains `region_code` (defaults last)."""
    return most_specific(Policy.objects.all(), region_code)


def rule_fires(rule: dict, values: dict) -> bool:
    if "sub_types" in rule and values.get("sub_type") not in rule["sub_types"]:
        return False
    if "business_types" in rule and values.get("business_type") not in rule["business_types"]:
        return False
    if "sales_bands" in rule and values.get("sales_band") not in rule["sales_bands"]:
        return False
    for key, field in (("min_diners", "diners"), ("min_floor_area", "floor_area")):
        if key in rule and (values.get(field) is None or values[field] < rule[key]):
            return False
    return True


def thresholds(rules: list[dict]) -> tuple[list, list]:
    """The sorted diners and floor-area thresholds of `rules`: two values between the same thresholds fire the
    same rules (`rule_fires` asks only whether a value reaches one)."""
    return (
        sorted({rule["min_diners"] for rule in rules if "min_diners" in rule}),
        sorted({rule["min_floor_area"] for rule in rules if "min_floor_area" in rule}),
    )


def evaluate(rules: list[dict], values: dict) -> tuple[str, list[str]]:
    """(grade, labels of the rules that fired for that grade); D with no labels when nothing fired."""
    fired = [rule for rule in rules if rule_fires(rule, values)]
    if not fired:
        return "D", []
    grade = min((rule["grade"] for rule in fired), key=GRADES.index)
    return grade, [rule["label"] for rule in fired if rule["grade"] == grade]


# -- checking a policy's rules (a new version, shian.baobao.services.policy) -----------------------------------------

RULE_LISTS = {"sub_types": "SubType", "business_types": "BusinessType", "sales_bands": "SalesBand"}
RULE_NUMBERS = ("min_diners", "min_floor_area")


def rule_list_errors(rules, *, graded: bool) -> list[str]:
    """What is wrong with a list of grading (or staffing) rules, one message per bad rule, naming it by number:
    every rule a dict with a label, a grade A-D when `graded`, and only known conditions with known values."""
    if not isinstance(rules, list):
        return [_("规则应为列表。")]
    allowed = {"label", *RULE_LISTS, *RULE_NUMBERS} | ({"grade"} if graded else set())
    errors = []
    for n, rule in enumerate(rules, start=1):
        if not isinstance(rule, dict):
            errors.append(_("第 %(n)d 条规则格式不正确。") % {"n": n})
            continue
        unknown = sorted(set(rule) - allowed)
        if unknown:
            errors.append(_("第 %(n)d 条规则含未知条件：%(keys)s。") % {"n": n, "keys": "、".join(unknown)})
        if not str(rule.get("label") or "").strip():
            errors.append(_("第 %(n)d 条规则缺少说明（label）。") % {"n": n})
        if graded and rule.get("grade") not in GRADES:
            errors.append(_("第 %(n)d 条规则的等级应为 A、B、C、D 之一。") % {"n": n})
        for key, choices in RULE_LISTS.items():
            if key in rule:
                known = set(getattr(entity_models, choices).values)
                values = rule[key] if isinstance(rule[key], list) else [rule[key]]
                bad = [str(v) for v in values if v not in known]
                if bad or not isinstance(rule[key], list):
                    errors.append(
                        _("第 %(n)d 条规则的 %(key)s 含未知取值：%(bad)s。")
                        % {"n": n, "key": key, "bad": "、".join(bad) or rule[key]}
                    )
        for key in RULE_NUMBERS:
            if key in rule and (not isinstance(rule[key], int) or isinstance(rule[key], bool) or rule[key] < 0):
                errors.append(_("第 %(n)d 条规则的 %(key)s 应为非负整数。") % {"n": n, "key": key})
    return errors
