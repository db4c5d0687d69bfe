"""Rule numbers of accounts, with their defaults; a region overrides one in the rule store."""

from shian.core.rules import CALENDAR_DAYS, COUNT, MINUTES, register_rule

INVITATION_VALID = register_rule(
    "accounts.invitation_valid_days",
    default=7,
    unit=CALENDAR_DAYS,
    name="企业账号邀请有效天数",
    source="issue 8（可按区划调整）",
)

REGISTRATION_CODE_MINUTES = register_rule(
    "accounts.registration_code_minutes",
    default=10,
    unit=MINUTES,
    name="自助注册短信验证码有效分钟数",
    source="issue 16（可按区划调整）",
)
REGISTRATION_CODE_TRIES = register_rule(
    "accounts.registration_code_tries",
    default=5,
    unit=COUNT,
    name="自助注册验证码最多尝试次数",
    source="issue 16（可按区划调整）",
)
SELF_REGISTER_FAILURES = register_rule(
    "accounts.self_register_failures",
    default=10,
    unit=COUNT,
    name="自助注册失败次数上限（同一地址或同一主体，时间窗口内）",
    source="issue 16（可按区划调整）",
)
SELF_REGISTER_WINDOW = register_rule(
    "accounts.self_register_window_minutes",
    default=60,
    unit=MINUTES,
    name="自助注册失败计数时间窗口（分钟）",
    source="issue 16（可按区划调整）",
)
