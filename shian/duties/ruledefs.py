"""Rule numbers of the enterprise's own duties, with their defaults; a region overrides one in the rule store."""

from shian.core.rules import CALENDAR_DAYS, CLASS_HOURS, COUNT, HOURS, register_rule

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

# When the scheduler reminds enterprises (shian/duties/jobs.py): the daily check in the afternoon, the weekly
# report on a weekday, the monthly meeting every day from a day of the month on.
for code, default, unit, name in (
    ("duties.remind_daily_hour", 15, HOURS, "日管控提醒时间（每天几点）"),
    ("duties.remind_weekly_weekday", 5, COUNT, "周排查提醒日（星期几，1 为周一）"),
    ("duties.remind_weekly_hour", 10, HOURS, "周排查提醒时间（几点）"),
    ("duties.remind_monthly_from_day", 25, COUNT, "月调度提醒起始日（每月几日起）"),
    ("duties.remind_monthly_hour", 10, HOURS, "月调度提醒时间（几点）"),
):
    register_rule(code, default=default, unit=unit, name=name, source="docs/architecture.md §6.3")
