"""Demo rule versions (issue 18 item 7): the county has revised one deadline and its staffing policy, effective
next month, so the rules pages show a history with a reason and a version still to come."""

import datetime

from django.utils import timezone

from shian.core.models import DeadlineRule
from shian.core.ruleversions import add_rule_version
from shian.duties.models import StaffingPolicy
from shian.duties.services import add_staffing_policy_version
from shian.regions.models import Region

RULE = "problem.rectify_general"


def load_demo_rule_versions(*, county: Region, actor, today: datetime.date) -> int:
    """Add the county's versions once (through the services, audited); return how many were added."""
    added = 0
    today = max(today, timezone.localdate())  # a demo dated in the past still adds a version to come
    starts = today.replace(day=1) + datetime.timedelta(days=32)
    starts = starts.replace(day=1)  # the first of next month
    if not DeadlineRule.objects.filter(code=RULE, region_prefix=county.code).exists():
        add_rule_version(
            actor=actor, code=RULE, region_code=county.code, amount=10, valid_from=starts,
            reason="县食安办关于压缩一般问题整改时限的通知（演示）", source="县食安办文件（演示）",
        )  # fmt: skip
        added += 1
    if not StaffingPolicy.objects.filter(region=county).exists():
        default = StaffingPolicy.objects.filter(region__isnull=True).order_by("-version").first()
        rules = list(default.director_rules if default else [])
        rules.append(
            {"label": "就餐 500 人以上的单位食堂（县规定，演示）", "business_types": ["canteen"], "min_diners": 500}
        )
        add_staffing_policy_version(
            actor=actor, region_code=county.code, valid_from=starts, reason="县里对单位食堂从严要求（演示）",
            director_rules=rules,
        )  # fmt: skip
        added += 1
    return added
