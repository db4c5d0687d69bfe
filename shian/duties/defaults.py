"""Province defaults seeded by migration: the 风险管控清单 per kind, and who must have a director (docs/domain.md §5 ⚙).

Director rules use the same shape as 包保 grading rules (see baobao.grading.rule_fires): an entity needs a
director when any rule fires."""

from shian.entities.models import BusinessType, SubType

from .models import ListKind

RISK_ITEMS = {
    ListKind.CATERING: [
        ("人员健康", "从业人员持有效健康证明，每日晨检，患有有碍食品安全疾病者调离岗位"),
        ("原料采购", "落实进货查验和索证索票，不采购来源不明、超过保质期的原料"),
        ("原料贮存", "原料分类分架、离地离墙存放，冷藏冷冻温度达标"),
        ("加工制作", "生熟分开，烧熟煮透，隔餐食品彻底加热"),
        ("餐饮具消毒", "餐饮具清洗消毒并记录，消毒后保洁存放"),
        ("食品添加剂", "专柜存放、专人管理、称量使用并记录"),
        ("环境卫生", "后厨清洁无积水，防鼠防蝇防虫设施有效"),
        ("留样", "重大活动和集体用餐按规定留样 48 小时以上"),
    ],
    ListKind.SALES: [
        ("进货查验", "查验供货者许可证和产品合格证明，建立进货台账"),
        ("贮存条件", "按标签要求贮存，冷藏冷冻设备运行正常并记录温度"),
        ("临期过期", "每日检查临期食品，过期食品及时下架并记录处置"),
        ("散装食品", "散装食品标明名称、生产日期、保质期和生产者"),
        ("环境卫生", "经营场所整洁，与有毒有害场所保持安全距离"),
        ("从业人员", "从业人员持有效健康证明"),
    ],
    ListKind.PRODUCTION: [
        ("原辅料", "原辅料进货查验并记录，不使用非食用物质"),
        ("生产过程", "关键控制点（杀菌、配料等）受控并记录"),
        ("食品添加剂", "按 GB 2760 使用并记录，不超范围超限量"),
        ("出厂检验", "逐批出厂检验，留存检验报告"),
        ("贮存运输", "成品库温湿度符合要求，运输工具清洁"),
        ("设备设施", "生产设备清洁消毒，虫害控制设施有效"),
        ("不合格品", "不合格品隔离、记录、按规定处置和召回"),
    ],
}

_CANTEENS_OTHER = [SubType.ELDERLY_CANTEEN, SubType.HOSPITAL_CANTEEN, SubType.OFFICE_CANTEEN, SubType.SITE_CANTEEN]
DIRECTOR_RULES = [
    {"label": "特殊食品生产经营者", "business_types": [BusinessType.SPECIAL]},
    {"label": "大中型食品生产企业", "sub_types": [SubType.FOOD_PRODUCER], "sales_bands": ["10m_100m", "gt100m"]},
    {"label": "大中型食品销售企业", "business_types": [BusinessType.SALES], "sales_bands": ["10m_100m", "gt100m"]},
    {"label": "连锁总部", "sub_types": [SubType.CHAIN_HQ]},
    {"label": "中央厨房", "sub_types": [SubType.CENTRAL_KITCHEN]},
    {"label": "集体用餐配送单位", "sub_types": [SubType.GROUP_MEAL]},
    {"label": "供餐 300 人以上的幼儿园食堂", "sub_types": [SubType.KINDERGARTEN_CANTEEN], "min_diners": 300},
    {"label": "供餐 500 人以上的学校食堂", "sub_types": [SubType.SCHOOL_CANTEEN], "min_diners": 500},
    {"label": "供餐 1000 人以上的其他单位食堂", "sub_types": _CANTEENS_OTHER, "min_diners": 1001},
]
