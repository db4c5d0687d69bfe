"""Rule numbers of notices (docs/notices.md §3) with their defaults and sources; a region overrides one in the rule store.

The reply period of each notice type is data of the type itself (`NoticeType.reply_days`, seeded by migration and
edited on the types page), since the types are configurable; what is registered here is the rest of the clock."""

from shian.core.rules import COUNT, WORKING_DAYS, register_rule

ESCALATE_AFTER = register_rule(
    "notices.escalate_after", default=0, unit=WORKING_DAYS, name="逾期未答复的文书升级为上一等级（答复期限后）",
    source="本平台约定（docs/notices.md §3）",
)  # fmt: skip
ON_TIME_TARGET = register_rule(
    "notices.on_time_target_pct", default=100, unit=COUNT, name="三书一函按期答复率目标（%）",
    source="本平台约定（docs/notices.md §5）",
)  # fmt: skip
