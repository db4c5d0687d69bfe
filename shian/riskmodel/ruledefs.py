"""Rule numbers of the inspection-priority model (docs/riskmodel.md) with their defaults and sources; a region
overrides one in the rule store."""

from shian.core.rules import CALENDAR_DAYS, COUNT, HOURS, register_rule

SOURCE = "本平台约定（docs/riskmodel.md；待核实）"

MIN_POSITIVES = register_rule(
    "riskmodel.min_positives", default=100, unit=COUNT, name="训练所需的最少重点项不符合检查数",
    source="Peduzzi 等 1996（每个特征约 10 个阳性事件的经验法则；本平台约定取 100，docs/riskmodel.md §3）",
)  # fmt: skip
HOLDOUT_DAYS = register_rule(
    "riskmodel.holdout_days", default=180, unit=CALENDAR_DAYS, name="模型评估留出期（截止日前的天数）", source=SOURCE,
)  # fmt: skip
WINDOW_DAYS = register_rule(
    "riskmodel.window_days", default=365, unit=CALENDAR_DAYS, name="抽检不合格、投诉举报特征的回看天数", source=SOURCE,
)  # fmt: skip
DUTY_WINDOW_DAYS = register_rule(
    "riskmodel.duty_window_days", default=28, unit=CALENDAR_DAYS, name="日管控完成率特征的回看天数", source=SOURCE,
)  # fmt: skip
DAYS_CAP = register_rule(
    "riskmodel.days_cap", default=1095, unit=CALENDAR_DAYS, name="距上次检查天数特征的上限（从未检查按此计）",
    source=SOURCE,
)  # fmt: skip
BACKTEST_MONTHS = register_rule(
    "riskmodel.backtest_months", default=6, unit=COUNT, name="回测重放的月数（截止日之后）", source=SOURCE,
)  # fmt: skip
SCORE_HOUR = register_rule(
    "riskmodel.score_hour", default=4, unit=HOURS, name="检查优先级每日评分时间（每天几点；信用重算之后）", source=SOURCE,
)  # fmt: skip
