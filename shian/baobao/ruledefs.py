"""包保 rule numbers (docs/domain.md §4.5, §15), with their defaults; a region overrides one in the rule store.

The visit frequency is declared here, not in visits: the commitment letters (documents.py) print it and the
visit clock (visits.selectors) counts against it, so both read the same resolved rule.
"""

from shian.core.rules import COUNT, HOURS, WORKING_DAYS, register_rule

STATUS_REPORT = register_rule(
    "baobao.status_report",
    default=15,
    unit=WORKING_DAYS,
    name="包保主体变动报告",
    source="docs/domain.md §4.5（待核实，可按地方规定调整）",
)
REASSIGN = register_rule(
    "baobao.reassign",
    default=7,
    unit=WORKING_DAYS,
    name="包保干部调整重新包保",
    source="docs/domain.md §4.5（待核实，可按地方规定调整）",
)
VISITS_PER_QUARTER = register_rule(
    "baobao.visits_per_quarter",
    default=1,
    unit=COUNT,
    name="每季度对每家包保主体至少督导次数",
    source="docs/domain.md §4.5, §15（≥1 次/季度，待核实，可按地方规定调整）",
)

# When the scheduler records 包保 changes (shian/baobao/jobs.py): the local hour, once a day.
DETECT_CHANGES_HOUR = register_rule(
    "baobao.detect_changes_hour", default=2, unit=HOURS, name="包保变动检测时间（每天几点）",
    source="docs/architecture.md §6.3",
)  # fmt: skip
