"""Rule numbers of cases (docs/cases.md §2) with their defaults and sources; a region overrides one in the rule store.

The decision deadline itself is `case.decision` (90 calendar days, docs/domain.md §15), registered in
shian/core/ruledefs.py and seeded as a national row before this app existed; it is re-exported here as DECISION."""

from shian.core import ruledefs as _core_rules  # noqa: F401  registers case.decision
from shian.core.rules import CALENDAR_DAYS, COUNT, WORKING_DAYS, register_rule, registered

DECISION = registered()["case.decision"]
EXTENSION = register_rule(
    "cases.extension", default=30, unit=CALENDAR_DAYS, name="案件处理期限经批准延长",
    source="docs/domain.md §9（行政处罚程序规定，待核实）",
)  # fmt: skip
MAX_EXTENSIONS = register_rule(
    "cases.max_extensions", default=1, unit=COUNT, name="经负责人批准延期的次数上限（再延期须集体讨论）",
    source="docs/domain.md §9",
)  # fmt: skip
ESCALATE_AFTER = register_rule(
    "cases.escalate_after", default=5, unit=WORKING_DAYS, name="逾期未作出决定的案件升级至上级（逾期后）",
    source="本平台约定（docs/cases.md §2）",
)  # fmt: skip
SUPERVISION_REPORT = register_rule(
    "cases.supervision_report", default=10, unit=WORKING_DAYS, name="挂牌督办案件报送进展（自督办单位要求）",
    source="本平台约定（docs/cases.md §4）",
)  # fmt: skip
FILED_TARGET = register_rule(
    "cases.filed_target_pct", default=100, unit=COUNT, name="案件立案率目标（%）",
    source="docs/domain.md §9（S1：案件立案、结案100%）",
)  # fmt: skip
CLOSED_TARGET = register_rule(
    "cases.closed_on_time_target_pct", default=100, unit=COUNT, name="案件按期办结率目标（%）",
    source="docs/domain.md §9（S1：案件立案、结案100%）",
)  # fmt: skip
