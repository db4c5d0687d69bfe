"""Rule numbers of trace and recall (docs/trace.md §4) with their defaults and sources; a region overrides one in the
rule store. A recall starts within a number of hours of learning of the risk and finishes within a number of working
days of its announcement, by level (食品召回管理办法 art. 18; docs/domain.md §15)."""

from shian.core.rules import COUNT, HOURS, WORKING_DAYS, register_rule

SOURCE = "食品召回管理办法第十八条（docs/domain.md §15）"

START = {
    1: register_rule("trace.recall_start_hours_1", default=24, unit=HOURS, name="一级召回启动期限（知悉风险后）",
                     source=SOURCE),
    2: register_rule("trace.recall_start_hours_2", default=48, unit=HOURS, name="二级召回启动期限（知悉风险后）",
                     source=SOURCE),
    3: register_rule("trace.recall_start_hours_3", default=72, unit=HOURS, name="三级召回启动期限（知悉风险后）",
                     source=SOURCE),
}  # fmt: skip
FINISH = {
    1: register_rule("trace.recall_finish_days_1", default=10, unit=WORKING_DAYS, name="一级召回完成期限（发布召回后）",
                     source=SOURCE),
    2: register_rule("trace.recall_finish_days_2", default=20, unit=WORKING_DAYS, name="二级召回完成期限（发布召回后）",
                     source=SOURCE),
    3: register_rule("trace.recall_finish_days_3", default=30, unit=WORKING_DAYS, name="三级召回完成期限（发布召回后）",
                     source=SOURCE),
}  # fmt: skip
COMPLETION_TARGET = register_rule(
    "trace.recall_completion_target_pct", default=100, unit=COUNT, name="召回完成率目标（%）",
    source="食品安全工作评议考核指标（产品召回率 100%，docs/domain.md §13）",
)  # fmt: skip
SCAN_PER_MINUTE = register_rule(
    "trace.scan_per_minute", default=120, unit=COUNT, name="追溯码公开查询每个客户端地址每分钟请求数上限",
    source="本平台约定（同公开门户，docs/trace.md §2）",
)  # fmt: skip
IMPORT_MAX_ROWS = register_rule(
    "trace.import_max_rows", default=1_000_000, unit=COUNT, name="一次导入流通记录的最多行数",
    source="本平台约定（docs/trace.md §3）",
)  # fmt: skip
