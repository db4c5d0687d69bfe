"""Rule numbers of the evaluation (docs/evaluation.md §3, §4) with their defaults and sources; a region overrides one
in the rule store."""

from shian.core.rules import COUNT, HOURS, register_rule

NA_RESCALE = register_rule(
    "evaluation.na_rescale", default=1, unit=COUNT, name="合理缺项按比例折算（1 = 折算，0 = 不折算）",
    source="seed 001 评价细则：合理缺项得分 = 实得分 ÷（总分 − 缺项分）× 总分（docs/evaluation.md §3）",
)  # fmt: skip
TASKS_HOUR = register_rule(
    "evaluation.tasks_hour", default=1, unit=HOURS, name="评价周期任务生成时间（每天几点）",
    source="本平台约定（docs/evaluation.md §4）",
)  # fmt: skip
SNAPSHOT_WEEKDAY = register_rule(
    "evaluation.snapshot_weekday", default=1, unit=COUNT, name="评价得分快照日（星期几，1 为周一）",
    source="seed 001：每周一调度（docs/evaluation.md §4）",
)  # fmt: skip
SNAPSHOT_HOUR = register_rule(
    "evaluation.snapshot_hour", default=6, unit=HOURS, name="评价得分快照时间（几点，早于调度周报）",
    source="本平台约定（docs/evaluation.md §4）",
)  # fmt: skip
