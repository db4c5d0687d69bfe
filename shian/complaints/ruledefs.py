"""Rule numbers of complaints (docs/complaints.md) with their defaults and sources; a region overrides one in the rule store.

The four statutory periods (`complaint.accept`, `complaint.mediation`, `report.check`, `report.notify_informant`,
docs/domain.md §15) were declared in shian/core/ruledefs.py before this app existed and keep their codes there
(seeded national rows, migration core 0003); they are named here so the app reads them from one place."""

from shian.core.rules import CALENDAR_DAYS, COUNT, HOURS, MINUTES, WORKING_DAYS, register_rule

ACCEPT, MEDIATION = "complaint.accept", "complaint.mediation"
CHECK, NOTIFY = "report.check", "report.notify_informant"

EXTENSION = register_rule(
    "complaints.report_extension", default=15, unit=WORKING_DAYS, name="举报核查延长期限（经批准）",
    source="docs/domain.md §9（行政处罚程序规定第18条，待核实）",
)  # fmt: skip
ESCALATE = register_rule(
    "complaints.escalate_after", default=2, unit=WORKING_DAYS, name="逾期投诉举报上报县级（逾期后）",
    source="docs/complaints.md §4（本平台约定）",
)  # fmt: skip
DUPLICATE_DAYS = register_rule(
    "complaints.duplicate_days", default=30, unit=CALENDAR_DAYS, name="重复投诉举报认定期间",
    source="docs/complaints.md §2（本平台约定）",
)  # fmt: skip
FUZZY_PCT = register_rule(
    "complaints.fuzzy_match_pct", default=60, unit=COUNT, name="主体名称模糊匹配相似度下限（%）",
    source="docs/complaints.md §3（本平台约定）",
)  # fmt: skip
PUBLIC_PER_WINDOW = register_rule(
    "complaints.public_per_address", default=5, unit=COUNT, name="同一网络地址网上投诉举报次数上限（每时段）",
    source="docs/complaints.md §2（本平台约定）",
)  # fmt: skip
PUBLIC_WINDOW = register_rule(
    "complaints.public_window_minutes", default=60, unit=MINUTES, name="网上投诉举报次数限制时段",
    source="docs/complaints.md §2（本平台约定）",
)  # fmt: skip
ON_TIME_TARGET = register_rule(
    "complaints.closed_on_time_pct", default=98, unit=COUNT, name="食品投诉按时办结率目标（%）",
    source="docs/domain.md §9（S1）",
)  # fmt: skip
IMPORT_MAX_ROWS = register_rule(
    "complaints.import_max_rows", default=50000, unit=COUNT, name="一次导入投诉举报最多行数",
    source="docs/complaints.md §2（本平台约定）",
)  # fmt: skip
CHECK_HOUR = register_rule(
    "complaints.check_deadlines_hour", default=6, unit=HOURS, name="投诉举报等期限检查时间（每天几点）",
    source="docs/complaints.md §4",
)  # fmt: skip
