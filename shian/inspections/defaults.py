"""Seed data of routine inspections: the province-default 监督检查要点表 (version 1, no region; 〔2016〕58号's
tables, abridged to the points an inspector answers on a phone, 重点项 marked) and the two risk-grading schemes
(docs/inspections.md §2). Migrations load these; a region edits by adding a newer version."""

from shian.checklists.models import Severity

from .models import InspectionKind

K, G = Severity.KEY, Severity.GENERAL

_COMMON = [
    (
        "许可管理",
        K,
        "持有有效许可证（备案凭证），生产经营场所、项目与许可一致",
        "核对证照有效期、地址、主体业态、经营项目",
    ),
    ("信息公示", G, "在显著位置公示许可证、监督检查结果记录表、投诉举报电话", "上次检查结果记录表是否张贴"),
    (
        "制度管理",
        G,
        "建立并落实食品安全管理制度，配备食品安全总监或安全员",
        "查看制度文本、任命文件、日管控周排查月调度记录",
    ),
    ("人员管理", K, "从业人员取得健康证明后上岗", "抽查在岗人员健康证明"),
    ("人员管理", G, "开展从业人员食品安全培训并有记录", "查看培训记录、考核情况"),
]

CATERING = _COMMON + [
    ("环境卫生", G, "场所环境整洁，无积水、无杂物，垃圾密闭存放", "查看后厨地面、排水沟、垃圾桶"),
    ("环境卫生", G, "防鼠、防蝇、防虫设施完好有效", "纱窗、挡鼠板、灭蝇灯、下水道防鼠网"),
    ("原料控制", K, "查验并留存供货者资质和产品合格证明，建立进货查验记录", "抽查肉类、粮油、冷链食品票据和检疫证明"),
    ("原料控制", K, "未采购、使用超过保质期、腐败变质或来源不明的食品原料", "查看冷库、冰箱、仓库原料标签和保质期"),
    ("原料控制", G, "原料分类分架、离地离墙存放", ""),
    ("加工制作", K, "未使用亚硝酸盐等非食用物质，未超范围超限量使用食品添加剂", "查看添加剂“五专”管理"),
    ("加工制作", G, "生熟分开，工用具和容器标识明显", ""),
    ("加工制作", G, "食品加工温度、冷藏冷冻温度符合要求", "冷藏0-8℃，冷冻-12℃以下"),
    ("加工制作", G, "按要求对食品成品留样并记录", "每品种不少于125克，冷藏48小时以上"),
    ("设施设备", G, "专间（专用操作区）设施设备符合要求并正常运转", "紫外线灯、空调、二次更衣、流动水洗手"),
    ("餐饮具清洗消毒", K, "餐饮具、盛放直接入口食品的容器使用前洗净消毒", "消毒设施运行，消毒记录"),
    ("餐饮具清洗消毒", G, "使用集中消毒餐饮具的查验并留存消毒合格证明", ""),
    ("食品安全事故处置", G, "制定食品安全事故处置方案", ""),
    ("网络餐饮", G, "网络订餐使用食品安全封签，线上线下信息一致", "外卖“双十”检查要点"),
]

SALES = _COMMON + [
    ("经营场所", G, "经营场所环境整洁，与有毒有害场所保持规定距离", ""),
    ("经营过程控制", K, "查验供货者许可证和食品出厂检验合格证或其他合格证明", "抽查进货查验记录"),
    ("经营过程控制", K, "未经营超过保质期、腐败变质、标签不符合规定的食品", "抽查货架、仓库食品标签和日期"),
    ("经营过程控制", G, "散装食品标明名称、生产日期、保质期、生产者", ""),
    ("经营过程控制", G, "冷藏冷冻食品温度符合标签标示要求，记录温度", ""),
    ("经营过程控制", G, "食品与非食品、生食与熟食分区存放", ""),
    ("经营过程控制", K, "进口食品有中文标签和入境货物检验检疫证明", ""),
    ("特殊食品", K, "保健食品、特殊医学用途配方食品、婴幼儿配方食品专区专柜销售并有提示", ""),
    ("特殊食品", G, "保健食品标签标注“本品不能代替药物”，无虚假宣传", ""),
    ("不合格食品处置", G, "发现不符合食品安全标准的食品立即停止经营并记录", "召回、下架、销毁记录"),
    ("食用农产品", G, "食用农产品有产地证明或购货凭证、合格证明文件", "承诺达标合格证"),
]

PRODUCTION = _COMMON + [
    ("生产环境条件", G, "厂区无扬尘、积水，厂区和车间卫生整洁", ""),
    ("生产环境条件", G, "车间内设备设施摆放合理，与生产能力相适应", ""),
    ("进货查验", K, "查验原辅料供货者资质和合格证明，建立进货查验记录", ""),
    ("进货查验", K, "未使用非食品原料、回收食品或超过保质期的原料", ""),
    ("生产过程控制", K, "未使用非食用物质，未超范围超限量使用食品添加剂", "添加剂使用记录与配方一致"),
    ("生产过程控制", G, "关键控制点落实控制措施并记录", "温度、时间、杀菌参数"),
    ("生产过程控制", G, "生产用水符合国家规定", ""),
    ("委托生产", G, "委托生产的对受托方生产行为进行监督", ""),
    ("产品检验", K, "按规定进行出厂检验并留存检验记录和留样", ""),
    ("产品检验", G, "检验设备在检定有效期内", ""),
    ("贮存及交付", G, "产品贮存、运输条件符合标签标示要求", ""),
    ("不合格品管理和召回", K, "建立并实施不合格品管理和召回制度", "召回、处置记录"),
    ("标签标识", G, "产品标签符合国家标准，无虚假宣传", ""),
    ("食品安全自查", G, "定期自查并报告，发生食品安全风险时立即停产报告", ""),
]

DEFAULT_CHECKLISTS = {
    InspectionKind.CATERING: ("餐饮服务监督检查要点表", CATERING),
    InspectionKind.SALES: ("食品销售监督检查要点表", SALES),
    InspectionKind.PRODUCTION: ("食品生产监督检查要点表", PRODUCTION),
}

# -- risk grading (docs/inspections.md §2) --------------------------------------------------------------------
# Static factors score what an entity is; each table maps a value to points, the highest matching row counts
# ("max" is the factor's ceiling). Dynamic factors score what happened in the last `window_days`: points per
# event up to the ceiling. Providers of dynamic events register in `inspections.riskfactors`.

_STATIC = [
    {
        "code": "category",
        "label": "食品类别与业态",
        "max": 20,
        "by": "sub_type",
        "points": {
            "infant_formula": 20,
            "fsmp": 20,
            "health_food": 18,
            "central_kitchen": 18,
            "group_meal": 18,
            "school_canteen": 16,
            "kindergarten_canteen": 16,
            "elderly_canteen": 15,
            "hospital_canteen": 15,
            "school_periphery": 14,
            "food_producer": 14,
            "additive_producer": 14,
            "small_workshop": 12,
            "rural_dinner": 12,
            "large_restaurant": 12,
            "medium_restaurant": 10,
            "wholesaler": 10,
            "cold_storage": 10,
            "site_canteen": 10,
            "online_only": 9,
            "small_restaurant": 9,
            "small_eatery": 9,
            "stall": 8,
            "chain_hq": 8,
            "supermarket": 8,
            "farmers_market": 8,
            "market_operator": 8,
            "office_canteen": 8,
            "fresh_ecommerce": 8,
            "live_stream": 8,
            "ordering_platform": 6,
            "related_producer": 6,
            "small_shop": 5,
            "": 8,
        },
    },
    # scale: the sales band, or the diners of a canteen / restaurant (docs/inspections.md §2)
    {
        "code": "scale",
        "label": "经营规模",
        "max": 10,
        "by": "scale",
        "points": {
            "gt100m": 10,
            "10m_100m": 8,
            "1m_10m": 5,
            "lt1m": 2,
            "diners_1000": 10,
            "diners_300": 7,
            "diners_100": 4,
            "diners_0": 2,
            "": 4,
        },
    },
    {
        "code": "consumers",
        "label": "特殊消费群体",
        "max": 10,
        "by": "consumers",
        "points": {"students": 10, "elderly": 10, "patients": 8, "site_workers": 6, "": 0},
    },
]

_DYNAMIC_2016 = [
    {
        "code": "inspection",
        "label": "上次监督检查结果",
        "max": 20,
        "window_days": 730,
        "points": {"nonconform": 20, "basic": 10, "conform": 0},
    },
    {"code": "failed_samples", "label": "抽检不合格", "max": 12, "window_days": 365, "per_event": 6},
    {"code": "complaints", "label": "投诉举报查实", "max": 8, "window_days": 365, "per_event": 4},
    {"code": "cases", "label": "行政处罚案件", "max": 10, "window_days": 730, "per_event": 5},
    {"code": "incidents", "label": "食品安全事故", "max": 5, "window_days": 730, "per_event": 5},
    {"code": "credit", "label": "信用状况", "max": 5, "window_days": 1095, "per_event": 5},
]

_DYNAMIC_2022 = [
    {
        "code": "inspection",
        "label": "上次监督检查结果",
        "max": 15,
        "window_days": 730,
        "points": {"nonconform": 15, "basic": 8, "conform": 0},
    },
    {"code": "failed_samples", "label": "抽检不合格", "max": 10, "window_days": 365, "per_event": 5},
    {"code": "complaints", "label": "投诉举报查实", "max": 5, "window_days": 365, "per_event": 2.5},
    {"code": "cases", "label": "行政处罚案件", "max": 6, "window_days": 730, "per_event": 3},
    {"code": "incidents", "label": "食品安全事故", "max": 4, "window_days": 730, "per_event": 4},
]

_CREDIT_2022 = [
    {
        "code": "credit_class",
        "label": "企业信用风险分类",
        "max": 20,
        "by": "credit_class",
        "points": {"A": 0, "B": 6, "C": 12, "D": 20, "": 6},
    },
]

BANDS = {"A": 30, "B": 45, "C": 60}  # a total up to 30 is A, up to 45 B, up to 60 C, above D

SCHEMES = {
    "2016": {
        "tables": {"static": _STATIC, "dynamic": _DYNAMIC_2016, "credit": []},
        "bands": BANDS,
        # minimum (and planned maximum) inspections per `per_years` years
        "frequency": {"A": {"min": 1, "max": 1, "per_years": 1}, "B": {"min": 1, "max": 2, "per_years": 1},
                      "C": {"min": 2, "max": 3, "per_years": 1}, "D": {"min": 3, "max": 4, "per_years": 1}},
        "source": "食品生产经营风险分级管理办法（试行）（食药监食监一〔2016〕115号）",
    },
    "2022": {
        "tables": {"static": _STATIC, "dynamic": _DYNAMIC_2022, "credit": _CREDIT_2022},
        "bands": BANDS,
        "frequency": {"A": {"min": 1, "max": 1, "per_years": 2}, "B": {"min": 1, "max": 1, "per_years": 1},
                      "C": {"min": 2, "max": 2, "per_years": 1}, "D": {"min": 3, "max": 3, "per_years": 1}},
        "source": "食品生产经营风险分级管理办法（征求意见稿，2022年，未施行）",
    },
}  # fmt: skip
