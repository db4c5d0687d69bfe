"""Rule numbers of the evaluation (docs/evaluation.md §3) with their defaults and sources; a region overrides one in
the rule store."""

from shian.core.rules import COUNT, register_rule

NA_RESCALE = register_rule(
    "evaluation.na_rescale", default=1, unit=COUNT, name="合理缺项按比例折算（1 = 折算，0 = 不折算）",
    source="seed 001 评价细则：合理缺项得分 = 实得分 ÷（总分 − 缺项分）× 总分（docs/evaluation.md §3）",
)  # fmt: skip
