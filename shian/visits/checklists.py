"""The province-default 督导检查表 (docs/domain.md §4.5; Jinan used production, sales, catering and special-food lists),
and which list an entity gets. Defaults are seeded by migration as version 1 with no region; a county or city
edits by adding a newer version for its region."""

from shian.checklists.models import Severity
from shian.entities.models import BusinessType, SubType

from .models import ChecklistKind

K, G = Severity.KEY, Severity.GENERAL

# Items every list shares: the enterprise's own duties (§5), which the cadre verifies on each visit (S3).
_DUTIES = [
    (
        "主体责任",
        K,
        "配备食品安全总监或食品安全员，并经监督抽考合格",
        "查看任命文件、抽考记录；小微主体至少配备食品安全员",
    ),
    (
        "主体责任",
        K,
        "建立并落实日管控、周排查、月调度制度",
        "抽查近一个月《每日食品安全检查记录》《每周食品安全排查治理报告》《每月食品安全调度会议纪要》",
    ),
    ("主体责任", G, "制定食品安全风险管控清单并公示", "清单应结合本单位业态，明确风险点、管控措施和责任人"),
    ("证照公示", K, "许可证（备案）合法有效，经营项目与实际一致", "核对许可证有效期、经营地址、主体业态和经营项目"),
    ("证照公示", G, "公示许可证、包保干部及食品安全总监/安全员信息", "公示牌位置醒目，信息与系统一致"),
]

_CATERING = [
    ("人员管理", K, "从业人员持有效健康证明上岗", "抽查在岗人员健康证明，有无过期或缺失"),
    ("人员管理", G, "建立晨检制度并记录", "查看晨检记录，患有有碍食品安全疾病人员是否调离"),
    ("环境卫生", G, "加工经营场所内外环境整洁，无积水、无杂物", "查看后厨地面、排水沟、墙面、顶棚"),
    ("设施设备", K, "防鼠、防蝇、防虫设施齐全有效", "查看纱窗、挡鼠板、灭蝇灯、下水道防鼠网"),
    ("原料管控", K, "落实进货查验和索证索票，建立进货台账", "抽查肉类、粮油等重点原料的票据和检验检疫证明"),
    ("原料管控", K, "未使用超过保质期、腐败变质或来源不明的原料", "查看冷库、仓库、冰箱内原料标签和保质期"),
    ("加工制作", G, "生熟分开，工用具和容器标识明显", "刀、墩、盆、抹布等按生熟分开使用和存放"),
    ("加工制作", G, "食品添加剂专柜存放、专人管理、使用有记录", "查看添加剂“五专”管理情况"),
    ("餐饮具清洗消毒", K, "餐饮具清洗消毒并有记录，消毒后餐具保洁存放", "查看消毒设施运行和消毒记录"),
    ("留样", G, "按规定留样（重大活动、集体用餐）", "留样数量不少于 125 克，冷藏保存 48 小时以上"),
    ("明厨亮灶", G, "实施明厨亮灶，视频设备正常运行", "查看视频画面覆盖加工操作关键环节"),
]

_CANTEEN_EXTRA = [
    ("集中用餐", K, "落实单位负责人陪餐制度并有记录", "学校、幼儿园相关负责人陪餐记录完整"),
    ("集中用餐", K, "食材统一采购、集中配送，大宗食材定点采购", "查看采购合同和供应商资质"),
    ("集中用餐", G, "建立食品安全事故应急处置方案并演练", "查看应急预案和演练记录"),
]

_ELDERLY_EXTRA = [
    ("集中用餐", K, "针对老年人特点制定膳食，落实软食、低盐低脂要求", "查看食谱和特殊膳食安排"),
    ("集中用餐", G, "建立食品安全事故应急处置方案并演练", "查看应急预案和演练记录"),
]

_SALES = [
    ("进货查验", K, "落实进货查验和索证索票，建立进货台账", "抽查重点食品的供货者资质和检验合格证明"),
    ("贮存条件", G, "按标签要求贮存，冷藏冷冻食品温度符合要求", "查看冷柜温度记录"),
    ("过期食品", K, "无超过保质期、腐败变质食品，临期食品集中陈列并提示", "抽查货架和仓库"),
    ("散装食品", G, "散装食品标明名称、生产日期、保质期、生产者", "查看散装食品容器或外包装标识"),
    ("进口食品", G, "进口食品有中文标签和入境货物检验检疫证明", "抽查进口食品票证"),
    ("特殊食品", G, "保健食品、特殊医学用途配方食品专区专柜销售", "查看专柜标识和提示语"),
    ("环境卫生", G, "经营场所环境整洁，与有毒有害场所保持距离", "查看经营场所内外环境"),
]

_PRODUCTION = [
    ("生产许可", K, "生产条件与许可时一致，未超范围生产", "核对生产设备、工艺流程与许可审查资料"),
    ("原辅料", K, "原辅料进货查验、记录，未使用非食用物质", "抽查原辅料台账和合格证明"),
    ("生产过程", K, "关键控制点有效控制并记录", "查看杀菌温度、时间等关键参数记录"),
    ("生产过程", G, "食品添加剂使用符合 GB 2760", "核对配方和添加剂使用记录"),
    ("出厂检验", K, "按标准逐批出厂检验，留存检验报告", "抽查近期批次检验报告"),
    ("贮存运输", G, "成品贮存和运输条件符合要求", "查看成品库温湿度和运输工具"),
    ("不合格品", G, "建立不合格食品处置和召回制度并落实", "查看召回和处置记录"),
    ("标签标识", G, "产品标签标识符合食品安全国家标准", "抽查成品标签"),
]

_MARKET = [
    ("市场开办者", K, "建立入场销售者档案并定期更新", "核对档案与在场经营户"),
    ("市场开办者", K, "配备检验设备和检验人员，开展快速检测并公示结果", "查看快检记录和公示屏"),
    ("市场开办者", G, "定期对入场销售者开展食品安全检查", "查看检查记录和问题处置"),
    ("入场销售者", K, "肉类产品有检疫合格证明和肉品品质检验合格证明", "抽查肉类摊位"),
    ("入场销售者", G, "食用农产品承诺达标合格证或销售凭证齐全", "抽查蔬菜水果摊位"),
    ("环境卫生", G, "市场环境整洁，垃圾及时清运，设施完好", "查看公共区域和排水"),
]

DEFAULTS = {
    ChecklistKind.CATERING: ("餐饮服务单位包保督导检查表", _DUTIES + _CATERING),
    ChecklistKind.SCHOOL_CANTEEN: ("学校（幼儿园）食堂包保督导检查表", _DUTIES + _CATERING + _CANTEEN_EXTRA),
    ChecklistKind.ELDERLY_CANTEEN: ("养老机构食堂包保督导检查表", _DUTIES + _CATERING + _ELDERLY_EXTRA),
    ChecklistKind.SALES: ("食品销售单位包保督导检查表", _DUTIES + _SALES),
    ChecklistKind.PRODUCTION: ("食品生产单位包保督导检查表", _DUTIES + _PRODUCTION),
    ChecklistKind.MARKET: ("集中交易市场包保督导检查表", _DUTIES + _MARKET),
}

_BY_SUB_TYPE = {
    SubType.SCHOOL_CANTEEN: ChecklistKind.SCHOOL_CANTEEN,
    SubType.KINDERGARTEN_CANTEEN: ChecklistKind.SCHOOL_CANTEEN,
    SubType.ELDERLY_CANTEEN: ChecklistKind.ELDERLY_CANTEEN,
    SubType.SMALL_WORKSHOP: ChecklistKind.PRODUCTION,
    SubType.SMALL_EATERY: ChecklistKind.CATERING,
    SubType.STALL: ChecklistKind.SALES,
}
_BY_TYPE = {
    BusinessType.PRODUCTION: ChecklistKind.PRODUCTION,
    BusinessType.SALES: ChecklistKind.SALES,
    BusinessType.CATERING: ChecklistKind.CATERING,
    BusinessType.CANTEEN: ChecklistKind.CATERING,
    BusinessType.SPECIAL: ChecklistKind.SALES,
    BusinessType.MARKET: ChecklistKind.MARKET,
    BusinessType.ONLINE: ChecklistKind.SALES,
    BusinessType.SMALL: ChecklistKind.CATERING,
}


def kind_for(business_type: str, sub_type: str) -> str:
    """The checklist family for an entity's 业态 and sub-type."""
    return _BY_SUB_TYPE.get(sub_type) or _BY_TYPE.get(business_type, ChecklistKind.CATERING)
