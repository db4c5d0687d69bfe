"""Rule numbers of smart markets (docs/markets.md) with their defaults and sources; a region overrides one in the
rule store (docs/architecture.md §6.1)."""

from shian.core.rules import CALENDAR_DAYS, COUNT, register_rule

HOLD_FAILURES = register_rule(
    "markets.hold_failures", default=1, unit=COUNT, name="摊位快检不合格几次即暂停该摊位销售",
    source="本平台约定（docs/markets.md §2）",
)  # fmt: skip
HOLD_WINDOW = register_rule(
    "markets.hold_window_days", default=1, unit=CALENDAR_DAYS, name="计算摊位快检不合格次数的天数（含当天）",
    source="本平台约定（docs/markets.md §2）",
)  # fmt: skip
TESTED_TARGET = register_rule(
    "markets.tested_target_pct", default=100, unit=COUNT, name="市场每日快检摊位覆盖率目标（%）",
    source="本平台约定（docs/markets.md §5）",
)  # fmt: skip
IMPORT_MAX_ROWS = register_rule(
    "markets.import_max_rows", default=2000, unit=COUNT, name="摊位清单一次导入的最多行数",
    source="本平台约定（docs/markets.md §1）",
)  # fmt: skip
PUBLIC_PER_MINUTE = register_rule(
    "markets.public_per_minute", default=120, unit=COUNT, name="市场公示页面每个客户端地址每分钟请求上限",
    source="本平台约定（docs/markets.md §4，同 docs/portal.md §4）",
)  # fmt: skip
PRICE_ROWS = register_rule(
    "markets.price_rows", default=10, unit=COUNT, name="价格公示表单一次填写的最多品名数",
    source="本平台约定（docs/markets.md §3）",
)  # fmt: skip
