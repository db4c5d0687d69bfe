"""The dashboard's schedule as rule numbers (shian/dashboard/jobs.py); a region overrides none of them in practice
(the scheduler reads the national value), yet they live in the rule store like every other number."""

from shian.core.rules import HOURS, MINUTES, register_rule

for code, default, unit, name in (
    # a refresh of some 10 s at province scale every 4 minutes keeps the lag under 5 minutes
    ("dashboard.refresh_minutes", 4, MINUTES, "一张图预计算刷新间隔"),
    ("dashboard.report_hour", 8, HOURS, "调度周报生成时间（周一几点起）"),
    ("dashboard.history_hour", 1, HOURS, "每日指标历史记录时间（每天几点，记前一天）"),
):
    register_rule(code, default=default, unit=unit, name=name, source="docs/architecture.md §6.3")
