"""包保 grading (docs/domain.md §4.1): an entity's grade is the best grade among the policy rules it meets, D if none.

Pure functions over plain values so a province (a million rows) grades without model instances.
"""

from shian.core.rules import most_specific

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


def evaluate(rules: list[dict], values: dict) -> tuple[str, list[str]]:
    """(grade, labels of the rules that fired for that grade); D with no labels when nothing fired."""
    fired = [rule for rule in rules if rule_fires(rule, values)]
    if not fired:
        return "D", []
    grade = min((rule["grade"] for rule in fired), key=GRADES.index)
    return grade, [rule["label"] for rule in fired if rule["grade"] == grade]
