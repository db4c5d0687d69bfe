"""Rule numbers of accounts, with their defaults; a region overrides one in the rule store."""

from shian.core.rules import CALENDAR_DAYS, register_rule

INVITATION_VALID = register_rule(
    "accounts.invitation_valid_days",
    default=7,
    unit=CALENDAR_DAYS,
    name="企业账号邀请有效天数",
    source="issue 8（可按区划调整）",
)
