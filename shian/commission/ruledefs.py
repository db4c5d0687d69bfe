"""Rule numbers of the commission's coordination (docs/commission.md) with their defaults and sources; a region
overrides one in the rule store."""

from shian.core.rules import WORKING_DAYS, register_rule

DECISION_DAYS = register_rule(
    "commission.decision_days", default=20, unit=WORKING_DAYS, name="会议议定事项默认办理期限（工作日）",
    source="本平台约定：会议未明确期限的议定事项按此期限办理（docs/commission.md §1；待本地核实）",
)  # fmt: skip
