"""Rule numbers of the visit loop, with their defaults; a region overrides one in the rule store."""

from shian.core.rules import CALENDAR_DAYS, HOURS, METRES, MINUTES, WORKING_DAYS, register_rule

RECTIFY_KEY = register_rule(
    "problem.rectify_key",
    default=5,
    unit=WORKING_DAYS,
    name="包保督导重点项问题整改",
    source="地方规定（待核实，可按区划调整）",
)
RECTIFY_GENERAL = register_rule(
    "problem.rectify_general",
    default=15,
    unit=WORKING_DAYS,
    name="包保督导一般项问题整改",
    source="地方规定（待核实，可按区划调整）",
)
ESCALATE_COUNTY = register_rule(
    "problem.escalate_county",
    default=5,
    unit=WORKING_DAYS,
    name="逾期问题升级至县级（自整改期限起）",
    source="地方规定（待核实，可按区划调整）",
)
DRAFT_MAX_AGE = register_rule(
    "visits.draft_max_age_days",
    default=30,
    unit=CALENDAR_DAYS,
    name="离线督导草稿最长可签字天数（开始时间距签字）",
    source="离线督导（可按区划调整）",
)
# issue 7: visits worth a second look
SHORT_VISIT = register_rule(
    "visits.short_visit_minutes",
    default=3,
    unit=MINUTES,
    name="督导用时过短（需复核）",
    source="issue 7（可按区划调整）",
)
FAR_VISIT = register_rule(
    "visits.far_visit_metres",
    default=1000,
    unit=METRES,
    name="现场督导定位距主体过远（需复核）",
    source="issue 7（可按区划调整）",
)

# When the scheduler escalates overdue problems (shian/visits/jobs.py): the local hour, once a day.
ESCALATE_HOUR = register_rule(
    "visits.escalate_hour", default=1, unit=HOURS, name="逾期问题逐级升级时间（每天几点）",
    source="docs/architecture.md §6.3",
)  # fmt: skip
