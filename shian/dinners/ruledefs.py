"""Rule numbers of rural collective dinners (docs/dinners.md §2, §4, §5) with their defaults and sources; a region
overrides one in the rule store.

The guidance grade follows the number of diners: below `dinners.guidance_diners` a dinner is only registered (备案),
from it on it gets on-site guidance (现场指导), from `dinners.key_diners` on key guidance (重点指导). Provinces and
counties set their own thresholds (commonly 50 or 100 diners for guidance): the defaults are to be verified locally."""

from shian.core.rules import CALENDAR_DAYS, COUNT, HOURS, register_rule

LOCAL = "各地农村集体聚餐管理办法常见口径（docs/dinners.md §2；待本地核实）"

GUIDANCE_DINERS = register_rule(
    "dinners.guidance_diners", default=100, unit=COUNT, name="农村集体聚餐现场指导人数起点（人）", source=LOCAL,
)  # fmt: skip
KEY_DINERS = register_rule(
    "dinners.key_diners", default=300, unit=COUNT, name="农村集体聚餐重点指导人数起点（人）", source=LOCAL,
)  # fmt: skip
INSURED_TARGET = register_rule(
    "dinners.insured_target_pct", default=80, unit=COUNT, name="农村集体聚餐投保率目标（%）",
    source="S2：2023 年农村集体聚餐投保率不低于 80%（docs/domain.md §11）",
)  # fmt: skip
CERT_EXPIRY_DAYS = register_rule(
    "dinners.cert_expiry_days", default=30, unit=CALENDAR_DAYS, name="流动厨师健康证明到期提前提醒天数",
    source="本平台约定（docs/dinners.md §3）",
)  # fmt: skip
REMIND_HOUR = register_rule(
    "dinners.remind_hour", default=9, unit=HOURS, name="流动厨师健康证明到期提醒时刻（时）",
    source="本平台约定（docs/dinners.md §3）",
)  # fmt: skip
