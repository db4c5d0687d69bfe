"""Rule numbers of the registry, with their defaults; a region overrides one in the rule store."""

from shian.core.rules import CALENDAR_DAYS, register_rule

LICENCE_EXPIRY = register_rule(
    "entities.licence_expiry_days",
    default=30,
    unit=CALENDAR_DAYS,
    name="许可证到期提醒天数",
    source="docs/domain.md §3.4（到期跟踪；提醒天数待核实，可按区划调整）",
)
