"""Rule numbers of the warning clock (docs/warnings.md §2) with their defaults and sources; a region overrides one in
the rule store. Each step of a warning (acknowledge, start investigating, close with a finding) has its own
working-day deadline counted from the previous step; an overdue step escalates to the level above once."""

from shian.core.rules import COUNT, MINUTES, WORKING_DAYS, register_rule

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

# The quarterly risk consultation (docs/warnings.md §5): how many rows its rankings show and the figures that turn
# into a recommended focus for the next quarter.
REPORT_TOP = register_rule(
    "warnings.report_top_n", default=5, unit=COUNT, name="季度风险会商报告排名显示条数", source=LOCAL,
)  # fmt: skip
FOCUS_SHARE_PCT = register_rule(
    "warnings.focus_share_pct", default=25, unit=COUNT, name="列为下季度重点的风险事件集中度下限（%）",
    source="本平台约定（docs/warnings.md §5；待本地核实）",
)  # fmt: skip
FOCUS_MIN_FAILED = register_rule(
    "warnings.focus_min_failed", default=2, unit=COUNT, name="建议加大抽检的品类本季度不合格批次下限",
    source="docs/domain.md §8 多批次不合格闭环处置（与同类不合格聚集预警的起点一致）",
)  # fmt: skip
ONTIME_TARGET_PCT = register_rule(
    "warnings.on_time_target_pct", default=90, unit=COUNT, name="风险预警按时签收、按时办结率目标（%）",
    source="本平台约定（docs/warnings.md §5；待本地核实）",
)  # fmt: skip
