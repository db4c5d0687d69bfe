"""Rule numbers of the enterprise's own duties, with their defaults; a region overrides one in the rule store."""

from shian.core.rules import CALENDAR_DAYS, CLASS_HOURS, register_rule

TRAINING_HOURS = register_rule(
    "duties.training_hours",
    default=40,
    unit=CLASS_HOURS,
    name="主要负责人和食品安全管理人员年度培训学时",
    source="docs/domain.md §5（S1 53, S2）",
)
# a daily record may be filled for today or the days before, never for the future
BACKFILL_DAYS = register_rule(
    "duties.backfill_days",
    default=3,
    unit=CALENDAR_DAYS,
    name="日管控记录可补填天数",
    source="docs/domain.md §5（待核实）",
)
