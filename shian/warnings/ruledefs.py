"""Rule numbers of the warning clock (docs/warnings.md §2) with their defaults and sources; a region overrides one in
the rule store. Each step of a warning (acknowledge, start investigating, close with a finding) has its own
working-day deadline counted from the previous step; an overdue step escalates to the level above once."""

from shian.core.rules import MINUTES, WORKING_DAYS, register_rule

LOCAL = "本平台约定（docs/warnings.md §2；待本地核实）"

ACK_DAYS = register_rule(
    "warnings.ack_days", default=1, unit=WORKING_DAYS, name="风险预警签收期限（工作日）", source=LOCAL,
)  # fmt: skip
INVESTIGATE_DAYS = register_rule(
    "warnings.investigate_days", default=3, unit=WORKING_DAYS, name="风险预警启动核查期限（工作日）", source=LOCAL,
)  # fmt: skip
CLOSE_DAYS = register_rule(
    "warnings.close_days", default=15, unit=WORKING_DAYS, name="风险预警核查办结期限（工作日）", source=LOCAL,
)  # fmt: skip
RUN_MINUTES = register_rule(
    "warnings.run_minutes", default=60, unit=MINUTES, name="风险预警规则运行间隔（分钟）", source=LOCAL,
)  # fmt: skip
