"""Rule numbers of the lists (docs/lists.md §5) with their defaults and sources; a region overrides one in the rule
store."""

from shian.core.rules import CALENDAR_DAYS, COUNT, HOURS, MINUTES, register_rule

EDITIONS_PER_MONTH = register_rule(
    "lists.editions_per_month", default=3, unit=COUNT, name="每月发布红黑榜不少于（期）",
    source="docs/domain.md §11（S0 第11项：每月发布“红黑榜”不少于3期）",
)  # fmt: skip
WINDOW = register_rule(
    "lists.window_days", default=90, unit=CALENDAR_DAYS, name="红黑榜候选条目的取数期间（天，截至起草日）",
    source="本平台约定（docs/lists.md §1）",
)  # fmt: skip
CANDIDATES_MAX = register_rule(
    "lists.candidates_max", default=50, unit=COUNT, name="每个榜单推荐候选条目上限（条）",
    source="本平台约定（docs/lists.md §1）",
)  # fmt: skip
LINES_MAX = register_rule(
    "lists.lines_max", default=200, unit=COUNT, name="每期每个榜单条目上限（条，海报版面）",
    source="本平台约定（docs/lists.md §1）",
)  # fmt: skip
BLACK_MIN_FINE = register_rule(
    "lists.black_min_fine", default=0, unit=COUNT, name="罚款达到此金额（元）的处罚案件推荐列入黑榜（0：所有处罚）",
    source="本平台约定（docs/lists.md §1）",
)  # fmt: skip
TERM_YEARS = register_rule(
    "lists.dishonesty_term_years", default=3, unit=COUNT, name="列入严重违法失信名单期限（年）",
    source="docs/domain.md §11（市场监管总局令第44号）",
)  # fmt: skip
REPAIR_AFTER_YEARS = register_rule(
    "lists.repair_after_years", default=1, unit=COUNT, name="列入满此年数后可申请信用修复（年）",
    source="docs/domain.md §11（市场监管总局令第44号）",
)  # fmt: skip
EXPIRE_HOUR = register_rule(
    "lists.expire_hour", default=1, unit=HOURS, name="失信名单期满移出（每天几点）",
    source="本平台约定（docs/lists.md §2）",
)  # fmt: skip
SWEEP_MINUTES = register_rule(
    "lists.joint_sweep_minutes", default=30, unit=MINUTES, name="联合惩戒比对批量导入的新许可证、关键人员（每隔分钟）",
    source="本平台约定（docs/lists.md §3）",
)  # fmt: skip
