"""Rule numbers of the surveys (docs/surveys.md) with their defaults and sources; a region overrides one in the rule
store. Fractions are stored as whole numbers: z ×100, p and e in per mille, thresholds ×10 (points) or ‰."""

from shian.core.rules import COUNT, register_rule

Z = register_rule(
    "surveys.z_x100", default=196, unit=COUNT, name="调查置信水平对应 z 值（×100）",
    source="95% 置信水平的标准正态分位数 1.96（docs/surveys.md §2）",
)  # fmt: skip
P = register_rule(
    "surveys.p_permille", default=500, unit=COUNT, name="样本量估计所用比例 p（‰）",
    source="未知比例时取 p=0.5，样本量最保守（docs/surveys.md §2）",
)  # fmt: skip
E = register_rule(
    "surveys.margin_permille", default=50, unit=COUNT, name="样本量估计允许误差 e（‰）",
    source="本平台默认 ±5%，调查可另选（docs/surveys.md §2；待本地核实）",
)  # fmt: skip
SATISFACTION_MIN = register_rule(
    "surveys.satisfaction_min_x10", default=800, unit=COUNT, name="食品安全满意度达标线（分×10）",
    source="seed 001 第(70)项：满意度≥80分；第(111)项：低于80分一票否决（docs/domain.md §12.3）",
)  # fmt: skip
AWARENESS_MIN = register_rule(
    "surveys.awareness_min_permille", default=850, unit=COUNT, name="食品安全知晓率达标线（‰）",
    source="seed 001 第(71)项：知晓率≥85%（docs/domain.md §12.3）",
)  # fmt: skip
PUBLIC_PER_MINUTE = register_rule(
    "surveys.public_per_minute", default=20, unit=COUNT, name="调查公开接口每地址每分钟请求上限",
    source="本平台约定，同门户开放接口（docs/surveys.md §3）",
)  # fmt: skip
