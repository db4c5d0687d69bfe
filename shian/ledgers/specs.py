"""The four ledgers (台账) as data: which columns a file may have, what each holds and how clerks name it.

Each ledger is a table of columns, one tuple per column — ``(key, header, type, required, width, example,
note)`` — with the other words clerks use for a header (``aliases``), the values of enumeration columns
(``choices``) and the identifier rules (``validate``) in dicts by column key, all read by one constructor,
:func:`ledger`, into an import-engine :class:`~shian.imports.specs.TableSpec`. Identifier columns are folded
with :func:`shian.entities.validators.normalize` as they are read. Header texts, notes and examples are
Chinese source strings marked with ``gettext_noop``: the Chinese text is the stable name used to recognise a
column in a file. Enumeration labels are the models' own choice labels, so a ledger says "餐饮服务" exactly
where the registry does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from shian.baobao.models import Cadre, CadreLevel
from shian.entities import validators
from shian.entities.models import BusinessType, Entity, KeyPerson, License, SalesBand, SubType
from shian.imports.specs import Choice, Column, ColumnType, TableSpec, choices_from

__all__ = ["ASSIGNMENTS", "CADRES", "ENTITIES", "PERSONNEL", "SPECS", "ledger"]

TEXT, ID, DATE, INT, DECIMAL, ENUM = (
    ColumnType.TEXT, ColumnType.ID, ColumnType.DATE, ColumnType.INT, ColumnType.DECIMAL, ColumnType.ENUM,
)  # fmt: skip
REQUIRED, OPTIONAL = True, False

Row = tuple[str, str, ColumnType, bool, float, str, str]  # key, header, type, required, width, example, note


def ledger(
    kind: str,
    title: str,
    rows: tuple[Row, ...],
    *,
    identity: tuple[str, ...],
    aliases: Mapping[str, tuple[str, ...]],
    choices: Mapping[str, tuple[Choice, ...]] | None = None,
    validate: Mapping[str, Callable] | None = None,
    one_of: tuple[tuple[str, ...], ...] = (),
) -> TableSpec:
    """The spec of a ledger from its table of columns and the dicts by column key."""
    choices, validate = choices or {}, validate or {}
    columns = tuple(
        Column(
            key,
            header,
            type,
            required,
            aliases=aliases.get(key, ()),
            choices=choices.get(key, ()),
            note=note,
            example=example,
            width=width,
            fold=validators.normalize if type == ID else None,
            validate=validate.get(key),
        )
        for key, header, type, required, width, example, note in rows
    )
    keys = {column.key for column in columns}
    stray = (aliases.keys() | choices.keys() | validate.keys()) - keys
    if stray:
        raise ValueError(f"{kind}: no column {sorted(stray)}")
    return TableSpec(kind=kind, title=title, columns=columns, identity=identity, one_of=one_of)


# ------------------------------------------------------------------------------------------- shared words

USCC_ALIASES = (
    "社会信用代码", "信用代码", "统一代码", "统一信用代码", "社会统一信用代码", "统一社会信用代码/注册号",
    "统一社会信用代码(注册号)", "统一社会信用代码或注册号", "注册号", "主体统一社会信用代码", "企业统一社会信用代码",
)  # fmt: skip
ID_NUMBER_ALIASES = ("身份证号码", "公民身份号码", "身份证", "居民身份证号码", "身份证件号码", "证件号码", "证件号")
PHONE_ALIASES = ("手机号", "手机号码", "手机", "电话", "电话号码", "联系方式")
REGION_ALIASES = ("区划代码", "所属区划代码", "行政区划代码", "区划编码", "区域代码", "所在地区划代码")
LICENSE_ALIASES = (
    "许可证号", "许可证号码", "食品经营许可证编号", "食品经营许可证号", "食品生产许可证编号", "食品生产许可证号",
    "证照编号", "登记证编号", "备案编号", "许可(登记、备案)编号",
)  # fmt: skip
ENTITY_NAME_ALIASES = ("企业名称", "单位名称", "经营者名称", "市场主体名称", "名称", "店名", "主体名称(字号)")
GRADE_CHOICES = tuple(
    Choice(value=grade.value, label=grade.label, aliases=(f"{grade.value}级", f"{grade.value}级主体"))
    for grade in Entity.Grade
)
USCC_NOTE = N_("18 位统一社会信用代码（旧证可填 15 位注册号）；请将单元格设为文本，避免被 Excel 改成科学计数法")
ID_NOTE = N_("18 位居民身份证号码，末位可为 X；请将单元格设为文本，避免后几位被 Excel 改成 0")
PHONE_NOTE = N_("11 位手机号码，或带区号的固定电话，如 0536-6212345")
REGION_NOTE = N_(
    "GB/T 2260 行政区划代码：乡镇（街道）9 位、村（社区）12 位，须在本单位辖区内；"
    "不填时按经营地址中的乡镇（街道）、村（社区）名称识别"
)
LICENSE_NOTE = N_("食品经营许可证 JY 加 14 位数字，食品生产许可证 SC 加 14 位数字；三小填登记证或备案卡编号")
USCC_EXAMPLE, LICENSE_EXAMPLE, ENTITY_EXAMPLE = "91440101MA5CJQ4N59", "JY23707250000015", N_("昌乐县宝都街道示例餐馆")

# How the linked ledgers name a registered entity: its USCC or licence number, and its name as a check.
# fmt: off
ENTITY_KEY: tuple[Row, ...] = (
    ("entity_uscc", N_("统一社会信用代码"), ID, OPTIONAL, 22, USCC_EXAMPLE, USCC_NOTE),
    ("entity_license", N_("许可证编号"), ID, OPTIONAL, 22, LICENSE_EXAMPLE,
     N_("没有统一社会信用代码的主体填许可证（登记证、备案卡）编号")),
    ("entity_name", N_("主体名称"), TEXT, REQUIRED, 32, ENTITY_EXAMPLE, N_("用于核对，须与主体台账一致")),
)
# fmt: on
ENTITY_KEY_ALIASES = {
    "entity_uscc": USCC_ALIASES,
    "entity_license": LICENSE_ALIASES,
    "entity_name": ENTITY_NAME_ALIASES,
}

# ------------------------------------------------------------------------------------------------- 主体台账

# fmt: off
ENTITIES = ledger(
    "entities",
    N_("主体台账"),
    (
        ("name", N_("主体名称"), TEXT, REQUIRED, 32, ENTITY_EXAMPLE, N_("营业执照或登记证上的全称")),
        ("uscc", N_("统一社会信用代码"), ID, OPTIONAL, 22, USCC_EXAMPLE, USCC_NOTE),
        ("business_type", N_("业态"), ENUM, REQUIRED, 14, N_("餐饮服务"), N_("从下拉列表选择")),
        ("sub_type", N_("细分类型"), ENUM, OPTIONAL, 18, N_("小型餐馆"), N_("从下拉列表选择，须属于所填业态")),
        ("address", N_("经营地址"), TEXT, REQUIRED, 36, N_("山东省潍坊市昌乐县宝都街道站前街 1 号"),
         N_("实际经营场所的详细地址")),
        ("region_code", N_("区划代码"), ID, OPTIONAL, 16, "370725001036", REGION_NOTE),  # 恒盛社区, 宝都街道
        ("status", N_("经营状态"), ENUM, OPTIONAL, 10, N_("在营"), N_("不填视为在营")),
        ("baobao_grade", N_("包保等级"), ENUM, OPTIONAL, 10, "D",
         N_("A 级最重要（由市级干部包保），D 级由村级干部包保；不填则按分级规则计算。注意与风险等级方向相反")),
        ("floor_area", N_("经营面积（㎡）"), DECIMAL, OPTIONAL, 12, "80", N_("平方米，可带一位小数")),
        ("diners", N_("就餐人数"), INT, OPTIONAL, 10, "40", N_("餐饮、食堂填写可同时就餐或每餐供餐人数")),
        ("sales_band", N_("年销售额"), ENUM, OPTIONAL, 16, N_("100 万元以下"), N_("从下拉列表选择")),
        ("department", N_("行业主管部门"), TEXT, OPTIONAL, 16, "",
         N_("学校食堂填教育部门，养老机构食堂填民政部门等；不填为市场监管部门")),
        ("principal", N_("负责人"), TEXT, OPTIONAL, 10, N_("张三"), N_("法定代表人或主要负责人姓名")),
        ("phone", N_("联系电话"), ID, OPTIONAL, 14, "13800000000", PHONE_NOTE),
        ("license_kind", N_("证照类型"), ENUM, OPTIONAL, 18, N_("食品经营许可证"),
         N_("不填时按许可证编号的 JY/SC 前缀判断")),
        ("license_number", N_("许可证编号"), ID, OPTIONAL, 22, LICENSE_EXAMPLE, LICENSE_NOTE),
        ("license_issued_on", N_("发证日期"), DATE, OPTIONAL, 12, "2023-03-06", N_("如 2023-03-06")),
        ("license_expires_on", N_("有效期至"), DATE, OPTIONAL, 12, "2028-03-05", N_("须晚于发证日期，如 2028-03-05")),
        ("longitude", N_("经度"), DECIMAL, OPTIONAL, 10, "118.83", N_("十进制度数，如 118.83")),
        ("latitude", N_("纬度"), DECIMAL, OPTIONAL, 10, "36.70", N_("十进制度数，如 36.70")),
    ),
    identity=("uscc", "license_number"),
    one_of=(("uscc", "license_number"),),
    # The national 包保 platform's export (docs/domain.md §4.6) names its columns 主体名称, 主体类别, 主体级别,
    # 住所, and 负责人信息 / 姓名, 手机号 under a group row: those labels are here as aliases.
    aliases={
        "name": ENTITY_NAME_ALIASES,
        "uscc": USCC_ALIASES,
        "business_type": ("主体业态", "经营业态", "业态类别", "主体类别", "行业类别"),
        "sub_type": ("业态细类", "细分业态", "主体细分类型", "经营类别"),
        "address": ("经营场所", "经营场所地址", "地址", "住所", "生产地址", "经营地点", "住所(经营场所)",
                    "经营场所(住所)", "主体地址", "详细地址"),
        "region_code": REGION_ALIASES,
        "status": ("状态", "登记状态", "主体状态"),
        "baobao_grade": ("包保级别", "包保分级", "主体级别", "包保主体级别"),
        "floor_area": ("经营面积", "营业面积", "经营场所面积", "面积"),
        "diners": ("供餐人数", "用餐人数", "就餐人数(人)"),
        "sales_band": ("年销售额区间", "年营业额"),
        "department": ("主管部门", "行业部门"),
        "principal": ("法定代表人", "法定代表人(负责人)", "主要负责人", "经营者", "业主", "负责人姓名",
                      "主要负责人姓名", "法定代表人姓名"),
        "phone": ("负责人电话", "负责人手机号", "负责人手机号码", "负责人联系电话", "负责人联系方式", *PHONE_ALIASES),
        "license_kind": ("许可证类型", "证照种类", "许可证种类"),
        "license_number": LICENSE_ALIASES,
        "license_issued_on": ("发证时间", "签发日期", "许可日期", "登记日期", "备案日期"),
        "license_expires_on": ("许可证有效期至", "有效期截止", "有效期截止日期", "有效期限至", "到期日期", "截止日期",
                               "有效期"),
    },
    choices={
        "business_type": choices_from(BusinessType, {
            BusinessType.PRODUCTION: ("生产", "食品生产企业", "食品生产者"),
            BusinessType.SALES: ("销售", "流通", "食品流通", "食品销售企业", "食品销售者"),
            BusinessType.CATERING: ("餐饮", "餐饮服务企业", "餐饮服务提供者"),
            BusinessType.CANTEEN: ("食堂", "集中用餐单位食堂"),
            BusinessType.SMALL: ("三小", "小作坊", "小餐饮", "摊贩", "食品摊贩"),
            BusinessType.MARKET: ("农贸市场", "市场", "食用农产品集中交易市场"),
            BusinessType.ONLINE: ("网络食品交易第三方平台", "网络食品交易第三方平台提供者"),
        }),
        "sub_type": choices_from(SubType),
        "status": choices_from(Entity.Status, {
            Entity.Status.OPERATING: ("存续", "开业", "营业", "正常"),
            Entity.Status.SUSPENDED: ("歇业",),
            Entity.Status.DEREGISTERED: ("已注销",),
        }),
        "baobao_grade": GRADE_CHOICES,
        "sales_band": choices_from(SalesBand),
        "license_kind": choices_from(License.Kind, {
            License.Kind.BUSINESS: ("经营许可证",),
            License.Kind.PRODUCTION: ("生产许可证",),
            License.Kind.FILING: ("备案", "仅销售预包装食品备案"),
        }),
    },
    validate={"uscc": validators.validate_uscc, "license_number": validators.validate_license_number},
)

# -------------------------------------------------------------------------------------------- 包保干部台账

CADRES = ledger(
    "cadres",
    N_("包保干部台账"),
    (
        ("name", N_("姓名"), TEXT, REQUIRED, 10, N_("李四"), ""),
        ("id_number", N_("身份证号"), ID, REQUIRED, 22, "11010519491231002X", ID_NOTE),
        ("phone", N_("联系电话"), ID, OPTIONAL, 16, "13900000000", PHONE_NOTE),
        ("level", N_("包保层级"), ENUM, REQUIRED, 10, N_("乡级"), N_("市级、县级、乡级或村级，须与所属区划的层级一致")),
        ("position", N_("职务"), TEXT, OPTIONAL, 20, N_("街道办事处副主任"), N_("如 街道办事处副主任")),
        ("department", N_("所属部门"), TEXT, OPTIONAL, 20, N_("宝都街道办事处"), N_("干部所在单位或部门")),
        ("region_code", N_("区划代码"), ID, REQUIRED, 16, "370725001",
         N_("干部负责的区划：市 4 位、县 6 位、乡镇（街道）9 位、村（社区）12 位")),
        ("is_regulator", N_("监管人员"), ENUM, OPTIONAL, 10, N_("否"),
         N_("市场监管所等专业监管人员填“是”，可作为包保干部的监管保障")),
        ("capacity", N_("包保上限"), INT, OPTIONAL, 10, "", N_("最多包保多少户；不填按层级默认")),
        ("status", N_("状态"), ENUM, OPTIONAL, 10, N_("在岗"), N_("不填视为在岗；填“已离岗”将触发包保调整")),
    ),
    identity=("id_number",),
    aliases={
        "name": ("干部姓名", "包保干部姓名", "包保干部"),
        "id_number": ID_NUMBER_ALIASES,
        "phone": PHONE_ALIASES,
        "level": ("干部层级", "层级", "包保级别", "级别"),
        "position": ("现任职务", "职位"),
        "department": ("部门", "工作单位", "单位", "所在单位", "所在部门"),
        "region_code": REGION_ALIASES,
        "is_regulator": ("是否监管人员", "是否为监管人员"),
        "capacity": ("包保主体上限", "最多包保主体数"),
        "status": ("在岗状态",),
    },
    choices={
        "level": choices_from(CadreLevel, {
            CadreLevel.CITY: ("市", "地市级", "市级领导"),
            CadreLevel.COUNTY: ("县", "区级", "县区级", "县(区)级", "县(市、区)级"),
            CadreLevel.TOWNSHIP: ("乡", "镇级", "乡镇级", "街道级", "乡(镇)级", "乡镇(街道)级"),
            CadreLevel.VILLAGE: ("村", "社区级", "村(社区)级"),
        }),
        "is_regulator": (Choice(True, _("是"), ("y", "yes")), Choice(False, _("否"), ("n", "no"))),
        "status": choices_from(Cadre.Status, {Cadre.Status.LEFT: ("离岗", "调离", "离任")}),
    },
    validate={"id_number": validators.validate_resident_id, "phone": validators.validate_phone},
)

# -------------------------------------------------------------------------------------------- 包保关系台账

ASSIGNMENTS = ledger(
    "assignments",
    N_("包保关系台账"),
    (
        *ENTITY_KEY,
        ("cadre_id_number", N_("包保干部身份证号"), ID, REQUIRED, 22, "11010519491231002X", ID_NOTE),
        ("cadre_name", N_("包保干部姓名"), TEXT, REQUIRED, 12, N_("李四"), N_("用于核对，须与包保干部台账一致")),
        ("grade", N_("包保等级"), ENUM, REQUIRED, 10, "D",
         N_("主体的包保等级，须与干部层级相符（默认 A 市级、B 县级、C 乡级、D 村级）")),
        ("supporter_id_number", N_("监管保障人员身份证号"), ID, OPTIONAL, 22, "",
         N_("陪同督导的市场监管人员，须在包保干部台账中标为监管人员")),
        ("supporter_name", N_("监管保障人员"), TEXT, OPTIONAL, 12, "", N_("用于核对")),
        ("since", N_("包保起始日期"), DATE, OPTIONAL, 12, "2024-01-01", N_("不填为导入当天")),
    ),
    identity=("entity_uscc", "entity_license"),
    one_of=(("entity_uscc", "entity_license"),),
    aliases={
        **ENTITY_KEY_ALIASES,
        "cadre_id_number": ("干部身份证号", "包保干部身份证号码", "身份证号", *ID_NUMBER_ALIASES),
        "cadre_name": ("包保干部", "干部姓名", "包保人", "包保责任人", "姓名"),
        "grade": ("包保级别", "主体等级", "包保分级", "主体级别"),
        "supporter_id_number": ("联络员身份证号", "监管人员身份证号"),
        "supporter_name": ("监管保障人员姓名", "联络员", "监管人员"),
        "since": ("起始日期", "包保日期", "开始日期"),
    },
    choices={"grade": GRADE_CHOICES},
    validate={
        "cadre_id_number": validators.validate_resident_id,
        "supporter_id_number": validators.validate_resident_id,
    },
)

# ------------------------------------------------------------------------------------- 食品安全管理人员台账

PERSONNEL = ledger(
    "personnel",
    N_("食品安全管理人员台账"),
    (
        *ENTITY_KEY,
        ("role", N_("人员类别"), ENUM, REQUIRED, 14, N_("食品安全员"), N_("食品安全总监或食品安全员")),
        ("name", N_("姓名"), TEXT, REQUIRED, 10, N_("王五"), ""),
        ("id_type", N_("证件类型"), ENUM, OPTIONAL, 12, N_("居民身份证"), N_("不填为居民身份证")),
        ("id_number", N_("身份证号"), ID, REQUIRED, 22, "440524188001010014", ID_NOTE),
        ("phone", N_("联系电话"), ID, OPTIONAL, 16, "13700000000", PHONE_NOTE),
        ("trained_on", N_("最近培训日期"), DATE, OPTIONAL, 12, "2024-03-05", N_("最近一次参加食品安全培训的日期")),
        ("training_hours", N_("年度培训学时"), INT, OPTIONAL, 12, "40", N_("本年度累计培训学时")),
        ("test_result", N_("考核结果"), ENUM, OPTIONAL, 10, N_("合格"), N_("最近一次监督抽考或考核的结果")),
    ),
    identity=("entity_uscc", "entity_license", "role", "id_number"),
    one_of=(("entity_uscc", "entity_license"),),
    aliases={
        **ENTITY_KEY_ALIASES,
        "role": ("职务", "岗位", "类别", "人员类型", "管理人员类别"),
        "name": ("人员姓名",),
        "id_type": ("证件种类",),
        "id_number": ID_NUMBER_ALIASES,
        "phone": PHONE_ALIASES,
        "trained_on": ("培训日期", "培训时间"),
        "training_hours": ("培训学时", "培训时长"),
        "test_result": ("考核情况", "抽考结果", "考试结果"),
    },
    choices={
        "role": choices_from(
            KeyPerson.Role,
            {KeyPerson.Role.SAFETY_DIRECTOR: ("总监",), KeyPerson.Role.SAFETY_OFFICER: ("安全员", "食品安全管理员")},
            only=(KeyPerson.Role.SAFETY_DIRECTOR, KeyPerson.Role.SAFETY_OFFICER),
        ),
        "id_type": choices_from(KeyPerson.IdType, {KeyPerson.IdType.RESIDENT: ("身份证",)}),
        "test_result": (Choice("pass", _("合格"), ("通过",)), Choice("fail", _("不合格"), ("未通过",))),
    },
    validate={"id_number": validators.validate_resident_id, "phone": validators.validate_phone},
)
# fmt: on

SPECS: dict[str, TableSpec] = {spec.kind: spec for spec in (ENTITIES, CADRES, ASSIGNMENTS, PERSONNEL)}
