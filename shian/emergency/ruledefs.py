"""Rule numbers of emergency (docs/emergency.md) with their defaults and sources; a region overrides one in the rule store.

The two clocks themselves are the rules `incident.report` (2 hours) and `opinion.feedback` (24 hours), declared in
shian/core/ruledefs.py before this app existed and seeded as national rows by core's migration 0003: this app reads
them (docs/emergency.md §4) rather than declaring a second code for the same number."""

from shian.core.rules import COUNT, HOURS, register_rule

# -- the clocks (docs/emergency.md §4) --
FIRST_REPORT = "incident.report"
FEEDBACK = "opinion.feedback"
INCIDENT_ESCALATE = register_rule(
    "emergency.incident_escalate_hours", default=2, unit=HOURS, name="事故首报逾期后上报上一级（逾期后小时数）",
    source="本平台约定（docs/emergency.md §4）",
)  # fmt: skip
OPINION_ESCALATE = register_rule(
    "emergency.opinion_escalate_hours", default=24, unit=HOURS, name="舆情逾期未反馈后上报上一级（逾期后小时数）",
    source="本平台约定（docs/emergency.md §4）",
)  # fmt: skip

# -- grades I-IV (docs/emergency.md §1): the national plan (2011) gives no numbers; provinces set them --
GRADE2_DEATHS = register_rule(
    "emergency.grade2_deaths", default=10, unit=COUNT, name="重大（II级）事故：死亡人数达到",
    source="省级食品安全事故应急预案分级标准（docs/domain.md §10，待核实）",
)  # fmt: skip
GRADE2_AFFECTED = register_rule(
    "emergency.grade2_affected", default=100, unit=COUNT, name="重大（II级）事故：受害人数达到（且出现死亡）",
    source="省级食品安全事故应急预案分级标准（docs/domain.md §10，待核实）",
)  # fmt: skip
GRADE3_DEATHS = register_rule(
    "emergency.grade3_deaths", default=1, unit=COUNT, name="较大（III级）事故：死亡人数达到",
    source="省级食品安全事故应急预案分级标准（docs/domain.md §10，待核实）",
)  # fmt: skip
GRADE3_AFFECTED = register_rule(
    "emergency.grade3_affected", default=100, unit=COUNT, name="较大（III级）事故：受害人数达到",
    source="省级食品安全事故应急预案分级标准（docs/domain.md §10，待核实）",
)  # fmt: skip
GRADE4_AFFECTED = register_rule(
    "emergency.grade4_affected", default=30, unit=COUNT, name="一般（IV级）事故：受害人数达到（以下按一般事故处置）",
    source="省级食品安全事故应急预案分级标准（docs/domain.md §10，待核实）",
)  # fmt: skip

# -- the demonstration veto and the drills (docs/emergency.md §3) --
VETO_YEARS = register_rule(
    "emergency.veto_years", default=2, unit=COUNT, name="一票否决：重大及以上事故回溯年数",
    source="docs/domain.md §10（S1 第109项）",
)  # fmt: skip
TRAININGS_PER_YEAR = register_rule(
    "emergency.plan_trainings_per_year", default=1, unit=COUNT, name="应急预案培训每年至少次数",
    source="docs/domain.md §10（S2）",
)  # fmt: skip
DRILL_YEARS = register_rule(
    "emergency.drill_every_years", default=2, unit=COUNT, name="应急演练至少每几年一次",
    source="docs/domain.md §10（S2）",
)  # fmt: skip
LIVE_DRILL_YEARS = register_rule(
    "emergency.live_drill_years", default=2, unit=COUNT, name="实战演练回溯年数（须至少一次）",
    source="docs/domain.md §10（S1）",
)  # fmt: skip
