"""The demo county's modules in the order the demo command loads them (docs/architecture.md §5): each loader makes its
module's records through that module's services and returns what it made ({} or no "created" when the county
already has them), and one line says so. The order matters where a module reads another's records: the stations
before sampling, complaints and cases; every record a warning, a credit class or a model feature reads before
those; and all of it before the KPI history the command records last."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from shian.demo.cases import load_cases
from shian.demo.commission import load_commission
from shian.demo.complaints import load_complaints
from shian.demo.credit import load_credit
from shian.demo.emergency import load_emergency
from shian.demo.evaluation import load_evaluation
from shian.demo.inspections import load_inspections
from shian.demo.lists import load_lists
from shian.demo.markets import load_markets
from shian.demo.notices import load_notices
from shian.demo.riskmodel import load_riskmodel
from shian.demo.rural import load_rural
from shian.demo.sampling import load_sampling
from shian.demo.sampling_public import load_sampling_public
from shian.demo.surveys import load_surveys
from shian.demo.trace import load_trace
from shian.demo.warnings import load_warnings


@dataclass(frozen=True)
class Module:
    """One module's demo data: `load(county=, seed=, today=)` → what it made; `line(made)` the sentence printed
    when `made(made)` says it made something."""

    load: Callable[..., dict]
    line: Callable[[dict], str]
    made: Callable[[dict], bool] = bool


def _created(made: dict) -> bool:
    return bool(made.get("created"))


def _inspections(m: dict) -> str:
    return (
        f"监督检查：{m['stations']} 个市场监管所、{m['inspectors']} 名执法人员，近两年检查记录 {m['inspections']} 条，"
        f"责令整改 {m['orders']} 份（已销号 {m['orders_closed']} 份），本月任务 {m['tasks']} 项，"
        f"明厨亮灶接入 {m['kitchen_links']} 户"
    )


def _sampling(m: dict) -> str:
    return (
        f"抽检监测：{m['labs']} 家承检机构，去年和今年抽检计划 {m['plans']} 份，近两年样品 {m['samples']} 批次"
        f"（已出结论 {m['reported']}，不合格 {m['failed']}），核查处置 {m['disposals']} 件"
        f"（已办结 {m['disposals_closed']}），跨区域协查通报 {m['notices']} 份，已公布 {m['published']} 批次"
    )


def _sampling_public(m: dict) -> str:
    return (
        f"你点我检活动 {m.get('campaigns', 0)} 次（建议 {m.get('proposals', 0)} 条，投票 {m.get('votes', 0)} 张，"
        f"列入计划 {m.get('plan_lines', 0)} 项），快检室 {m.get('rapid_rooms', 0)} 个，快检 {m.get('rapid_tests', 0)} 批次"
    )


def _complaints(m: dict) -> str:
    return (
        f"投诉举报：近一年 {m.get('items', 0)} 件（移送 {m.get('transferred', 0)}，重复关联 "
        f"{m.get('linked_duplicates', 0)}，逾期 {m.get('overdue', 0)}，举报立案 {m.get('filed', 0)}）"
    )


def _cases(m: dict) -> str:
    return f"案件查办：立案 {m.get('cases', 0)} 件（逾期 {m.get('overdue', 0)}，挂牌督办 {m.get('supervised', 0)}）"


def _emergency(m: dict) -> str:
    return (
        f"应急处置：食品安全事件 {m['incidents']} 起（报告 {m['reports']} 份），舆情 {m['opinions']} 条"
        f"（反馈迟报 {m['opinions_late']} 条），应急预案 {m['plans']} 份，培训与演练 {m['exercises']} 次"
    )


def _rural(m: dict) -> str:
    return (
        f"农村集体聚餐：流动厨师 {m['chefs']} 人（健康证明将到期 {m['expiring']}），聚餐 {m['dinners']} 场"
        f"（投保 {m['insured']}，已现场指导 {m['guided']}，待指导 {m['open_tasks']}）；"
        f"食源性疾病：病例 {m.get('cases', 0)} 例，聚集性预警 {m.get('clusters', 0)} 起，"
        f"开立事故 {m.get('incidents', 0)} 起（医院账号 hospital）"
    )


def _surveys(m: dict) -> str:
    return f"满意度与知晓率调查：满意度答卷 {m['satisfaction']} 份，知晓率答卷 {m['awareness']} 份"


def _lists(m: dict) -> str:
    return (
        f"红黑榜：近半年 {sum((m.get('published') or {}).values())} 期已发布（另有待批准 "
        f"{m.get('waiting_approval', 0)} 期、草稿 {m.get('drafts', 0)} 期），严重违法失信名单 {m.get('entries', 0)} 户"
        f"（信用修复 {m.get('repaired', 0)} 户），联合惩戒提示 {m.get('flags', 0)} 条"
    )


def _notices(m: dict) -> str:
    return f"三书一函：{m['notices']} 份（已回复 {m.get('replied', 0)}，升级 {m.get('escalated', 0)}）"


def _credit(m: dict) -> str:
    bands = "，".join(f"{band} 级 {n}" for band, n in (m.get("bands") or {}).items())
    return (
        f"信用档案：{m.get('ratings', 0)} 户已评级（{bands}），责任保险 {m.get('policies', 0)} 份"
        f"（已脱保 {m.get('lapsed', 0)}），更正申请 {m.get('corrections', 0)} 件"
    )


def _riskmodel(m: dict) -> str:
    if m.get("skipped"):
        return f"检查优先级模型：未训练（{m['skipped']}）"
    b = m["backtest"]
    return (
        f"检查优先级模型 {m['model']}：{m['rows']} 条检查记录，留出期 AUC {m['auc']}（现行计划排序 {m['baseline_auc']}），"
        f"评分 {m['scored']} 户；回测（{b['cutoff']} 起）{b['failures']} 次重点项不符合平均提前 {b['days_earlier_mean']} "
        f"天发现，首月发现比例 模型 {b['first_month_share_model']} / 现行计划 {b['first_month_share_baseline']}"
        "（演示数据，只说明方法可行）"
    )


def _markets(m: dict) -> str:
    return (
        f"智慧菜市场：{m['markets']} 个市场（账号 market），摊位 {m['stalls']} 个，近一个月摊位快检 {m['tests']} 批次"
        f"（不合格 {m['failed']}，暂停销售 {m['on_hold']} 个摊位）"
    )


def _trace(m: dict) -> str:
    return (
        f"追溯与召回：{m['batches']} 个批次、{m.get('events', 0)} 条流通记录，召回 {m.get('completed')}（已完成）"
        f"和 {m.get('open')}（召回中）"
    )


def _commission(m: dict) -> str:
    return (
        f"食安委统筹：会议 {m['meetings']} 次，议定事项 {m['decisions']} 项，重点工作 {m['keywork']} 项，"
        f"数据共享包 1 个，成员单位评议 1 轮，志愿者 {m['volunteers']} 人"
    )


def _evaluation(m: dict) -> str:
    return (
        f"示范创建评价：任务 {m['tasks']} 项（待办 {m['open']}，已提交 {m['submitted']}，已退回 {m['returned']}，"
        f"已通过 {m['accepted']}），评定得分 {m['points']} 个小项，合理缺项 {m['not_applicable']} 个"
        f"（/evaluation/{m['evaluation']}/）"
    )


def _warnings(m: dict) -> str:
    return f"风险预警：运行规则 {m['rules']} 条，发出 {m['raised']} 条（合并 {m['merged']}），已处理 {m['handled']} 条"


def _load_riskmodel(*, county, seed: int, today: datetime.date) -> dict:
    return load_riskmodel(county=county, today=today)  # the same seed's history: the model has no seed of its own


MODULES = (
    Module(load_inspections, _inspections),  # stations, inspectors, two years of inspections
    Module(load_sampling, _sampling),  # residents, labs, plans, samples and disposals: after the stations
    Module(load_sampling_public, _sampling_public),
    Module(load_complaints, _complaints),  # routed to the stations
    Module(load_cases, _cases, _created),  # from every source the modules above left
    Module(load_emergency, _emergency),
    Module(load_rural, _rural),  # after the emergency records (made only in a county without incidents)
    Module(load_surveys, _surveys),
    Module(load_lists, _lists, _created),  # red/black lists from the records above
    Module(load_notices, _notices, _created),  # the commission's 三书一函
    Module(load_credit, _credit),  # reads all of the above
    Module(_load_riskmodel, _riskmodel),  # after every record its features read
    Module(load_markets, _markets),
    Module(load_trace, _trace, _created),
    Module(load_commission, _commission, _created),
    Module(load_evaluation, _evaluation),  # after the modules whose figures its indicators read
    Module(load_warnings, _warnings),  # after every module whose records raise warnings
)
