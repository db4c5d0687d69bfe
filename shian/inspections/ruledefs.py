"""Rule numbers of routine inspections (docs/inspections.md), with their defaults; a region overrides one in the
rule store. The risk-grading tables and per-band frequencies are a policy table of their own (`RiskScheme`)."""

from shian.core.rules import CALENDAR_DAYS, COUNT, HOURS, WORKING_DAYS, register_rule

# declared by core (as "inspection.publish") before this app existed; the code stays so its seeded rows still apply
PUBLISH_RESULTS = register_rule(
    "inspection.publish", default=20, unit=WORKING_DAYS, name="监督检查结果公示（自结果形成）",
    source="docs/domain.md §6（总局令第49号第39条）",
)  # fmt: skip
MIN_INSPECTORS = register_rule(
    "inspections.min_inspectors", default=2, unit=COUNT, name="每次监督检查最少执法人员数",
    source="docs/domain.md §6（总局令第49号第23条）",
)  # fmt: skip
BASIC_GENERAL_MAX = register_rule(
    "inspections.basic_general_max", default=8, unit=COUNT, name="基本符合允许的一般项不符合数上限",
    source="docs/domain.md §6（〔2016〕58号）",
)  # fmt: skip
RECTIFY_BASIC = register_rule(
    "inspections.rectify_basic", default=15, unit=WORKING_DAYS, name="基本符合的整改期限",
    source="docs/inspections.md §5（地方规定，待核实）",
)  # fmt: skip
RECTIFY_NONCONFORM = register_rule(
    "inspections.rectify_nonconform", default=7, unit=WORKING_DAYS, name="不符合的整改期限",
    source="docs/inspections.md §5（地方规定，待核实）",
)  # fmt: skip
ESCALATE_AFTER = register_rule(
    "inspections.escalate_after", default=5, unit=WORKING_DAYS, name="整改逾期移送立案（自整改期限起）",
    source="docs/inspections.md §5（地方规定，待核实）",
)  # fmt: skip
REPEAT_WINDOW = register_rule(
    "inspections.repeat_window_days", default=365, unit=CALENDAR_DAYS, name="重复违规认定期间（同一项两次不符合）",
    source="docs/domain.md §6（12个月，可调整）",
)  # fmt: skip
COVERAGE_YEARS = register_rule(
    "inspections.coverage_years", default=2, unit=COUNT, name="每个主体至少检查一次的年数（全覆盖）",
    source="docs/domain.md §6（总局令第49号第22条）",
)  # fmt: skip
HEALTH_FOOD_SHARE = register_rule(
    "inspections.health_food_share_pct", default=20, unit=COUNT, name="保健食品生产企业年度检查比例（%）",
    source="docs/domain.md §6（S1 23-24）",
)  # fmt: skip
SPECIAL_FOOD_SHARE = register_rule(
    "inspections.special_food_share_pct", default=100, unit=COUNT, name="婴幼儿配方食品、特医食品生产企业年度体系检查比例（%）",
    source="docs/domain.md §6（S1 23-24）",
)  # fmt: skip
SCHOOL_TERM_SHARE = register_rule(
    "inspections.school_term_share_pct", default=100, unit=COUNT, name="学校食堂开学季检查比例（%）",
    source="docs/domain.md §6（S1 26）",
)  # fmt: skip
INSPECTOR_MONTHLY = register_rule(
    "inspections.inspector_monthly_capacity", default=40, unit=COUNT, name="每名执法人员每月可承担检查户次",
    source="docs/inspections.md §3（地方规定，待核实）",
)  # fmt: skip
KITCHEN_IMPORT_MAX_ROWS = register_rule(
    "inspections.kitchen_import_max_rows", default=5000, unit=COUNT, name="一次导入明厨亮灶接入登记的最多行数",
    source="本平台默认：单次导入的规模上限，超出请分批导入（docs/inspections.md §6）",
)  # fmt: skip
KITCHEN_SCHOOL = register_rule(
    "inspections.kitchen_school_pct", default=95, unit=COUNT, name="学校、养老机构食堂明厨亮灶覆盖率目标（%）",
    source="docs/domain.md §7（示范创建标准）",
)  # fmt: skip
KITCHEN_HOSPITAL = register_rule(
    "inspections.kitchen_hospital_pct", default=70, unit=COUNT, name="医院食堂明厨亮灶覆盖率目标（%）",
    source="docs/domain.md §7（示范创建标准）",
)  # fmt: skip
CATERING_FLOOR_PCT = register_rule(
    "inspections.catering_floor_pct", default=100, unit=COUNT,
    name="学校、医院、养老机构食堂和A级景区餐饮量化等级良好以上比例（%）", source="docs/domain.md §7（S2）",
)  # fmt: skip
RISK_VARIANT = register_rule(
    "inspections.risk_variant", default=2016, unit=COUNT, name="风险分级评分办法（2016 或 2022）",
    source="docs/inspections.md §2",
)  # fmt: skip
PATROL_DAY = register_rule(
    "inspections.patrol_day", default=1, unit=COUNT, name="网格巡查任务生成日（每月几日起）",
    source="docs/inspections.md §1（地方规定，待核实）",
)  # fmt: skip
PATROL_HOUR = register_rule(
    "inspections.patrol_hour", default=6, unit=HOURS, name="网格巡查任务生成时间（几点）",
    source="docs/inspections.md §1（地方规定，待核实）",
)  # fmt: skip
PLAN_TASKS_HOUR = register_rule(
    "inspections.plan_tasks_hour", default=1, unit=HOURS, name="按年度计划生成本月检查任务时间（每天几点）",
    source="docs/inspections.md §3",
)  # fmt: skip
ESCALATE_HOUR = register_rule(
    "inspections.escalate_hour", default=1, unit=HOURS, name="整改逾期移送立案时间（每天几点）",
    source="docs/inspections.md §5",
)  # fmt: skip
PATROL_SIGNERS = register_rule(
    "inspections.patrol_signers", default=1, unit=COUNT, name="网格巡查记录最少签名人数（网格员）",
    source="docs/inspections.md §5",
)  # fmt: skip
DRAW_SCORE_FLOOR = register_rule(
    "inspections.draw_score_floor_pct", default=5, unit=COUNT,
    name="按评分加权抽取的权重下限（%，低于此概率按此计，任何主体都可能被抽中）",
    source="本平台约定（docs/inspections.md §4 算法 sha256-sample-v2，待核实）",
)  # fmt: skip
DRAW_SCORE_UNSCORED = register_rule(
    "inspections.draw_score_unscored_pct", default=10, unit=COUNT,
    name="按评分加权抽取时尚未评分主体的概率（%，如上次夜间评分后新登记的主体）",
    source="本平台约定（docs/inspections.md §4 算法 sha256-sample-v2，待核实）",
)  # fmt: skip
