"""Rule numbers of sampling and testing (docs/sampling.md), with their defaults; a region overrides one in the
rule store. The food-category table is a policy table of its own (`CategoryTable`)."""

from shian.core.rules import CALENDAR_DAYS, COUNT, HOURS, WORKING_DAYS, register_rule

RATE = register_rule(
    "sampling.batches_per_thousand", default=5, unit=COUNT, name="每千人抽检批次",
    source="docs/domain.md §8（S4：5；S1：4+2；S2：6）",
)  # fmt: skip
TO_LAB = register_rule(
    "sampling.to_lab", default=5, unit=WORKING_DAYS, name="样品送达检验机构（自抽样）",
    source="docs/domain.md §15（总局令第15号第20条）",
)  # fmt: skip
REPORT = register_rule(
    "sampling.report", default=20, unit=WORKING_DAYS, name="出具检验报告（自收到样品）",
    source="docs/domain.md §15（总局令第15号第24条）",
)  # fmt: skip
RETEST_APPLY = register_rule(
    "sampling.retest_apply", default=7, unit=WORKING_DAYS, name="申请复检（自收到检验结论）",
    source="docs/domain.md §15（总局令第15号第32条）",
)  # fmt: skip
DISPOSAL = register_rule(
    "sampling.disposal", default=90, unit=CALENDAR_DAYS, name="不合格食品核查处置办结",
    source="docs/domain.md §15（总局令第15号，待核实）",
)  # fmt: skip
DISPOSAL_ON_TIME = register_rule(
    "sampling.disposal_on_time_pct", default=95, unit=COUNT, name="核查处置按期完成率目标（%）",
    source="docs/domain.md §8（S4）",
)  # fmt: skip
PASS_RATE = register_rule(
    "sampling.pass_rate_target_pct", default=98, unit=COUNT, name="抽检合格率目标（%）",
    source="docs/domain.md §8（S2）",
)  # fmt: skip
GRAIN_STOCK = register_rule(
    "sampling.grain_stock_share_pct", default=25, unit=COUNT, name="粮食库存监测比例目标（%）",
    source="docs/domain.md §8（S1 18）",
)  # fmt: skip
CAMPAIGNS = register_rule(
    "sampling.campaigns_per_year", default=2, unit=COUNT, name="你点我检活动每年至少次数",
    source="docs/domain.md §8（S4）",
)  # fmt: skip
BACKUP_PASS = register_rule(
    "sampling.backup_keep_pass_months", default=3, unit=COUNT, name="合格样品备样保存月数（自结论）",
    source="docs/domain.md §8（总局令第15号第25条）",
)  # fmt: skip
BACKUP_FAIL = register_rule(
    "sampling.backup_keep_fail_months", default=6, unit=COUNT, name="不合格样品备样保存月数（自结论）",
    source="docs/domain.md §8（总局令第15号第25条）",
)  # fmt: skip

# -- samples (docs/sampling.md §3) --
OVERDUE_HOUR = register_rule(
    "sampling.overdue_hour", default=7, unit=HOURS, name="样品逾期提醒时间（每天几点）",
    source="docs/sampling.md §3",
)  # fmt: skip

# -- plans, tasks, overview (docs/sampling.md §2) --
MONITORING_SHARE = register_rule(
    "sampling.monitoring_share_pct", default=6, unit=COUNT, name="风险监测占计划批次比例（%）",
    source="docs/sampling.md §2（默认与抽检食品类别表的风险监测权重一致）",
)  # fmt: skip
EVALUATION_SHARE = register_rule(
    "sampling.evaluation_share_pct", default=3, unit=COUNT, name="评价性抽检占计划批次比例（%）",
    source="docs/sampling.md §2（默认与抽检食品类别表的评价性抽检权重一致）",
)  # fmt: skip
PLAN_COMPLETION = register_rule(
    "sampling.plan_completion_target_pct", default=100, unit=COUNT, name="抽检计划完成率目标（%）",
    source="docs/domain.md §8（S1、S2）",
)  # fmt: skip
DISPOSAL_RATE = register_rule(
    "sampling.disposal_rate_target_pct", default=100, unit=COUNT, name="不合格食品核查处置率目标（%）",
    source="docs/domain.md §8（S4）",
)  # fmt: skip
PRODUCER_COVERAGE = register_rule(
    "sampling.producer_coverage_target_pct", default=100, unit=COUNT, name="食品生产企业抽检覆盖率目标（%）",
    source="docs/domain.md §8（S1、S2）",
)  # fmt: skip

# -- results (docs/sampling.md §4) --
DISPOSAL_OVERDUE_HOUR = register_rule(
    "sampling.disposal_overdue_hour", default=7, unit=HOURS, name="核查处置逾期提醒时间（每天几点）",
    source="docs/sampling.md §4",
)  # fmt: skip
DISPOSAL_NEAR = register_rule(
    "sampling.disposal_near_days", default=10, unit=CALENDAR_DAYS, name="核查处置临近期限提示（办结期限前天数）",
    source="docs/sampling.md §4",
)  # fmt: skip

# -- public (docs/sampling.md §5) --
PUBLIC_PAGE = register_rule(
    "sampling.public_page_size", default=30, unit=COUNT, name="公开抽检结果每页条数",
    source="docs/sampling.md §5",
)  # fmt: skip
CAMPAIGN_WINNER_BATCHES = register_rule(
    "sampling.campaign_winner_batches", default=1, unit=COUNT, name="你点我检每个入选食品的计划批次",
    source="docs/sampling.md §5",
)  # fmt: skip
VOTES_PER_ADDRESS = register_rule(
    "sampling.votes_per_address_per_day", default=30, unit=COUNT, name="同一客户端地址每天最多投票次数",
    source="docs/security.md §2",
)  # fmt: skip
