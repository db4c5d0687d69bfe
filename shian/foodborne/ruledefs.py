"""Rule numbers of foodborne-disease reports (docs/foodborne.md §2) with their defaults and sources; a region
overrides one in the rule store. A cluster is at least `foodborne.cluster_cases` cases with the same suspected place
or the same suspected food in one county whose onsets lie within `foodborne.cluster_window_hours` of each other."""

from shian.core.rules import COUNT, HOURS, MINUTES, register_rule

CLUSTER_CASES = register_rule(
    "foodborne.cluster_cases", default=2, unit=COUNT, name="食源性疾病聚集性病例起点（例）",
    source="食源性疾病监测报告工作规范（试行）：2 例及以上有共同暴露史的病例为聚集性病例（docs/foodborne.md §2；待核实）",
)  # fmt: skip
CLUSTER_WINDOW = register_rule(
    "foodborne.cluster_window_hours", default=72, unit=HOURS, name="食源性疾病聚集性判定时间窗（小时）",
    source="本平台约定（docs/foodborne.md §2；待本地核实）",
)  # fmt: skip
SWEEP_MINUTES = register_rule(
    "foodborne.cluster_sweep_minutes", default=30, unit=MINUTES, name="食源性疾病聚集性复核（每隔分钟）",
    source="本平台约定（docs/foodborne.md §2：保存时判定之外的定时复核）",
)  # fmt: skip
