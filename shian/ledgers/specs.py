"""The four ledgers (台账) as data: which columns a file may have, what each holds and how clerks name it.

A spec is plain data so that every stage walks the same description: the reader matches headers and parses
cells by it, the template and error report are drawn from it, and validation checks the parsed values
against the models named in each column's note. Header texts, notes and titles are Chinese source strings
marked with ``gettext_noop``: the Chinese text is the stable name used to recognise a column in a file,
:meth:`Column.label` is what a user sees in the active language. Enumeration labels are the models' own
choice labels, so a ledger says "餐饮服务" exactly where the registry does.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from shian.baobao.models import Cadre, CadreLevel
from shian.entities.models import BusinessType, Entity, KeyPerson, License, SalesBand, SubType

__all__ = ["ASSIGNMENTS", "CADRES", "ENTITIES", "PERSONNEL", "SPECS", "Choice", "Column", "ColumnType", "LedgerSpec"]


class ColumnType(StrEnum):
    """How a cell is read. ``ID`` is text that must survive exactly (codes, ID and phone numbers)."""

    TEXT = "text"  # names, addresses: trimmed; a whole number typed as 12.0 reads "12"
    ID = "id"  # full-width folded, upper-cased, spaces removed; a number that lost digits is an error
    DATE = "date"  # Excel dates and serials, 2024-03-05, 2024/3/5, 2024年3月5日, 20240305
    INT = "int"
    DECIMAL = "decimal"
    ENUM = "enum"  # one of ``Column.choices``, by label, stored value or alias


@dataclass(frozen=True)
class Choice:
    """One allowed value of an enumeration column: the stored value, its label and other words for it."""

    value: str | bool
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Column:
    """One column of a ledger. ``header`` is the Chinese header the template writes; ``aliases`` are the
    variants clerks type instead. ``example`` is the text the template's example row shows."""

    key: str
    header: str
    type: ColumnType = ColumnType.TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()
    note: str = ""
    example: str = ""
    width: float = 16

    def label(self) -> str:
        """The header in the active language."""
        return gettext(self.header)

    def names(self) -> set[str]:
        """Every header text that names this column, normalised with :func:`header_text`."""
        return {header_text(name) for name in (self.header, self.label(), *self.aliases)}

    def choice_lookup(self) -> dict[str, str | bool]:
        """Normalised label, value or alias -> stored value: labels in Chinese and in the active language."""
        lookup: dict[str, str | bool] = {}
        for choice in self.choices:
            with translation.override("zh-hans"):
                chinese = str(choice.label)
            for word in (str(choice.value), chinese, str(choice.label), *choice.aliases):
                lookup.setdefault(choice_text(word), choice.value)
        return lookup

    def choice_labels(self) -> list[str]:
        """The labels a user picks from, in the active language (the template's dropdown)."""
        return [str(choice.label) for choice in self.choices]


@dataclass(frozen=True)
class LedgerSpec:
    """A ledger: its columns in template order, the columns that identify a row across uploads (the key a
    new upload is diffed and de-duplicated by, docs/domain.md §4.6), and groups of columns of which at least one
    must be filled (an entity is named by its USCC or, for 三小 and individual sellers, its licence)."""

    kind: str
    title: str
    columns: tuple[Column, ...]
    identity: tuple[str, ...]
    one_of: tuple[tuple[str, ...], ...] = ()
    version: int = 1

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def label(self) -> str:
        return gettext(self.title)


def header_text(text) -> str:
    """A header as compared: NFKC (full-width to half-width), no spaces or line breaks, no ``*`` required
    markers, no "(必填)"/"(选填)" remarks, lower case."""
    text = unicodedata.normalize("NFKC", str(text))
    text = "".join(c for c in text if not c.isspace() and c != "*")
    for remark in ("(必填)", "(选填)", "(必填项)", "(选填项)"):
        text = text.replace(remark, "")
    return text.lower()


def choice_text(text) -> str:
    """An enumeration word as compared: NFKC, no spaces, lower case."""
    return "".join(c for c in unicodedata.normalize("NFKC", str(text)) if not c.isspace()).lower()


def _choices(model_choices, aliases: dict | None = None, only=None) -> tuple[Choice, ...]:
    aliases = aliases or {}
    return tuple(
        Choice(value=str(member.value), label=member.label, aliases=tuple(aliases.get(member, ())))
        for member in model_choices
        if only is None or member in only
    )


# ------------------------------------------------------------------------------------------- shared columns

USCC_ALIASES = (
    "社会信用代码",
    "信用代码",
    "统一代码",
    "统一信用代码",
    "社会统一信用代码",
    "统一社会信用代码/注册号",
    "统一社会信用代码(注册号)",
    "统一社会信用代码或注册号",
    "注册号",
    "主体统一社会信用代码",
    "企业统一社会信用代码",
)
ID_NUMBER_ALIASES = (
    "身份证号码",
    "公民身份号码",
    "身份证",
    "居民身份证号码",
    "身份证件号码",
    "证件号码",
    "证件号",
)
PHONE_ALIASES = ("手机号", "手机号码", "手机", "电话", "电话号码", "联系方式")
REGION_ALIASES = ("区划代码", "所属区划代码", "行政区划代码", "区划编码", "区域代码", "所在地区划代码")
LICENSE_ALIASES = (
    "许可证号",
    "许可证号码",
    "食品经营许可证编号",
    "食品经营许可证号",
    "食品生产许可证编号",
    "食品生产许可证号",
    "证照编号",
    "登记证编号",
    "备案编号",
    "许可(登记、备案)编号",
)
GRADE_CHOICES = tuple(
    Choice(value=grade.value, label=grade.label, aliases=(f"{grade.value}级",)) for grade in Entity.Grade
)
USCC_NOTE = N_("18 位统一社会信用代码（旧证可填 15 位注册号）；请将单元格设为文本，避免被 Excel 改成科学计数法")
ID_NOTE = N_("18 位居民身份证号码，末位可为 X；请将单元格设为文本，避免后几位被 Excel 改成 0")
PHONE_NOTE = N_("11 位手机号码，或带区号的固定电话，如 0536-6212345")
REGION_NOTE = N_("GB/T 2260 行政区划代码：县 6 位、乡镇（街道）9 位、村（社区）12 位，须在本单位辖区内")
LICENSE_NOTE = N_("食品经营许可证 JY 加 14 位数字，食品生产许可证 SC 加 14 位数字；三小填登记证或备案卡编号")


def _uscc(key: str = "uscc", *, header: str = N_("统一社会信用代码"), example: str = "91440101MA5CJQ4N59"):
    return Column(key, header, ColumnType.ID, aliases=USCC_ALIASES, note=USCC_NOTE, example=example, width=22)


def _license(key: str, *, header: str = N_("许可证编号"), note: str = LICENSE_NOTE):
    return Column(key, header, ColumnType.ID, aliases=LICENSE_ALIASES, note=note, example="JY23707250000015", width=22)


def _entity_name(key: str, note: str) -> Column:
    return Column(
        key,
        N_("主体名称"),
        required=True,
        aliases=("企业名称", "单位名称", "经营者名称", "市场主体名称", "名称", "店名", "主体名称(字号)"),
        note=note,
        example=N_("昌乐县宝都街道示例餐馆"),
        width=32,
    )


# ------------------------------------------------------------------------------------------------- 主体台账

ENTITIES = LedgerSpec(
    kind="entities",
    title=N_("主体台账"),
    identity=("uscc", "license_number"),
    one_of=(("uscc", "license_number"),),
    columns=(
        _entity_name("name", N_("营业执照或登记证上的全称")),
        _uscc(),
        Column(
            "business_type",
            N_("业态"),
            ColumnType.ENUM,
            required=True,
            aliases=("主体业态", "经营业态", "业态类别", "主体类别", "行业类别"),
            choices=_choices(
                BusinessType,
                {
                    BusinessType.PRODUCTION: ("生产",),
                    BusinessType.SALES: ("销售", "流通", "食品流通"),
                    BusinessType.CATERING: ("餐饮",),
                    BusinessType.CANTEEN: ("食堂",),
                    BusinessType.SMALL: ("三小", "小作坊", "小餐饮", "摊贩", "食品摊贩"),
                    BusinessType.MARKET: ("农贸市场", "市场"),
                    BusinessType.ONLINE: ("网络食品交易第三方平台",),
                },
            ),
            note=N_("从下拉列表选择"),
            example=N_("餐饮服务"),
            width=14,
        ),
        Column(
            "sub_type",
            N_("细分类型"),
            ColumnType.ENUM,
            aliases=("业态细类", "细分业态", "主体细分类型", "经营类别"),
            choices=_choices(SubType),
            note=N_("从下拉列表选择，须属于所填业态"),
            example=N_("小型餐馆"),
            width=18,
        ),
        Column(
            "address",
            N_("经营地址"),
            required=True,
            aliases=("经营场所", "经营场所地址", "地址", "住所", "生产地址", "经营地点"),
            note=N_("实际经营场所的详细地址"),
            example=N_("山东省潍坊市昌乐县宝都街道站前街 1 号"),
            width=36,
        ),
        Column(
            "region_code",
            N_("区划代码"),
            ColumnType.ID,
            required=True,
            aliases=REGION_ALIASES,
            note=REGION_NOTE,
            example="370725001001",
        ),
        Column(
            "status",
            N_("经营状态"),
            ColumnType.ENUM,
            aliases=("状态", "登记状态"),
            choices=_choices(
                Entity.Status,
                {
                    Entity.Status.OPERATING: ("存续", "开业", "营业", "正常"),
                    Entity.Status.SUSPENDED: ("歇业",),
                    Entity.Status.DEREGISTERED: ("已注销",),
                },
            ),
            note=N_("不填视为在营"),
            example=N_("在营"),
            width=10,
        ),
        Column(
            "baobao_grade",
            N_("包保等级"),
            ColumnType.ENUM,
            aliases=("包保级别", "包保分级"),
            choices=GRADE_CHOICES,
            note=N_("A 级最重要（由市级干部包保），D 级由村级干部包保；不填则按分级规则计算。注意与风险等级方向相反"),
            example="D",
            width=10,
        ),
        Column(
            "floor_area",
            N_("经营面积（㎡）"),
            ColumnType.DECIMAL,
            aliases=("经营面积", "营业面积", "经营场所面积", "面积"),
            note=N_("平方米，可带一位小数"),
            example="80",
            width=12,
        ),
        Column(
            "diners",
            N_("就餐人数"),
            ColumnType.INT,
            aliases=("供餐人数", "用餐人数", "就餐人数(人)"),
            note=N_("餐饮、食堂填写可同时就餐或每餐供餐人数"),
            example="40",
            width=10,
        ),
        Column(
            "sales_band",
            N_("年销售额"),
            ColumnType.ENUM,
            aliases=("年销售额区间", "年营业额"),
            choices=_choices(SalesBand),
            note=N_("从下拉列表选择"),
            example=N_("100 万元以下"),
            width=16,
        ),
        Column(
            "department",
            N_("行业主管部门"),
            aliases=("主管部门", "行业部门"),
            note=N_("学校食堂填教育部门，养老机构食堂填民政部门等；不填为市场监管部门"),
            width=16,
        ),
        Column(
            "principal",
            N_("负责人"),
            aliases=("法定代表人", "法定代表人(负责人)", "主要负责人", "经营者", "业主"),
            note=N_("法定代表人或主要负责人姓名"),
            example=N_("张三"),
            width=10,
        ),
        Column(
            "phone",
            N_("联系电话"),
            ColumnType.ID,
            aliases=("负责人电话", *PHONE_ALIASES),
            note=PHONE_NOTE,
            example="13800000000",
            width=14,
        ),
        Column(
            "license_kind",
            N_("证照类型"),
            ColumnType.ENUM,
            aliases=("许可证类型", "证照种类", "许可证种类"),
            choices=_choices(
                License.Kind,
                {
                    License.Kind.BUSINESS: ("经营许可证",),
                    License.Kind.PRODUCTION: ("生产许可证",),
                    License.Kind.FILING: ("备案", "仅销售预包装食品备案"),
                },
            ),
            note=N_("不填时按许可证编号的 JY/SC 前缀判断"),
            example=N_("食品经营许可证"),
            width=18,
        ),
        _license("license_number"),
        Column(
            "license_issued_on",
            N_("发证日期"),
            ColumnType.DATE,
            aliases=("发证时间", "签发日期", "许可日期", "登记日期", "备案日期"),
            note=N_("如 2023-03-06"),
            example="2023-03-06",
            width=12,
        ),
        Column(
            "license_expires_on",
            N_("有效期至"),
            ColumnType.DATE,
            aliases=("许可证有效期至", "有效期截止", "有效期截止日期", "有效期限至", "到期日期", "截止日期", "有效期"),
            note=N_("须晚于发证日期，如 2028-03-05"),
            example="2028-03-05",
            width=12,
        ),
        Column(
            "longitude",
            N_("经度"),
            ColumnType.DECIMAL,
            note=N_("十进制度数，如 118.83"),
            example="118.83",
            width=10,
        ),
        Column(
            "latitude",
            N_("纬度"),
            ColumnType.DECIMAL,
            note=N_("十进制度数，如 36.70"),
            example="36.70",
            width=10,
        ),
    ),
)

# -------------------------------------------------------------------------------------------- 包保干部台账

CADRES = LedgerSpec(
    kind="cadres",
    title=N_("包保干部台账"),
    identity=("id_number",),
    columns=(
        Column(
            "name",
            N_("姓名"),
            required=True,
            aliases=("干部姓名", "包保干部姓名", "包保干部"),
            example=N_("李四"),
            width=10,
        ),
        Column(
            "id_number",
            N_("身份证号"),
            ColumnType.ID,
            required=True,
            aliases=ID_NUMBER_ALIASES,
            note=ID_NOTE,
            example="11010519491231002X",
            width=22,
        ),
        Column("phone", N_("联系电话"), ColumnType.ID, aliases=PHONE_ALIASES, note=PHONE_NOTE, example="13900000000"),
        Column(
            "level",
            N_("包保层级"),
            ColumnType.ENUM,
            required=True,
            aliases=("干部层级", "层级", "包保级别", "级别"),
            choices=_choices(
                CadreLevel,
                {
                    CadreLevel.CITY: ("市", "地市级", "市级领导"),
                    CadreLevel.COUNTY: ("县", "区级", "县区级", "县(区)级", "县(市、区)级"),
                    CadreLevel.TOWNSHIP: ("乡", "镇级", "乡镇级", "街道级", "乡(镇)级", "乡镇(街道)级"),
                    CadreLevel.VILLAGE: ("村", "社区级", "村(社区)级"),
                },
            ),
            note=N_("市级、县级、乡级或村级，须与所属区划的层级一致"),
            example=N_("乡级"),
            width=10,
        ),
        Column(
            "position",
            N_("职务"),
            aliases=("现任职务", "职位"),
            note=N_("如 街道办事处副主任"),
            example=N_("街道办事处副主任"),
            width=20,
        ),
        Column(
            "department",
            N_("所属部门"),
            aliases=("部门", "工作单位", "单位", "所在单位", "所在部门"),
            note=N_("干部所在单位或部门"),
            example=N_("宝都街道办事处"),
            width=20,
        ),
        Column(
            "region_code",
            N_("区划代码"),
            ColumnType.ID,
            required=True,
            aliases=REGION_ALIASES,
            note=N_("干部负责的区划：市 4 位、县 6 位、乡镇（街道）9 位、村（社区）12 位"),
            example="370725001",
        ),
        Column(
            "is_regulator",
            N_("监管人员"),
            ColumnType.ENUM,
            aliases=("是否监管人员", "是否为监管人员"),
            choices=(Choice(True, _("是"), ("y", "yes")), Choice(False, _("否"), ("n", "no"))),
            note=N_("市场监管所等专业监管人员填“是”，可作为包保干部的监管保障"),
            example=N_("否"),
            width=10,
        ),
        Column(
            "capacity",
            N_("包保上限"),
            ColumnType.INT,
            aliases=("包保主体上限", "最多包保主体数"),
            note=N_("最多包保多少户；不填按层级默认"),
            width=10,
        ),
        Column(
            "status",
            N_("状态"),
            ColumnType.ENUM,
            aliases=("在岗状态",),
            choices=_choices(Cadre.Status, {Cadre.Status.LEFT: ("离岗", "调离", "离任")}),
            note=N_("不填视为在岗；填“已离岗”将触发包保调整"),
            example=N_("在岗"),
            width=10,
        ),
    ),
)

# -------------------------------------------------------------------------------------------- 包保关系台账

ASSIGNMENTS = LedgerSpec(
    kind="assignments",
    title=N_("包保关系台账"),
    identity=("entity_uscc", "entity_license"),
    one_of=(("entity_uscc", "entity_license"),),
    columns=(
        _uscc("entity_uscc", example="91440101MA5CJQ4N59"),
        _license("entity_license", note=N_("没有统一社会信用代码的主体填许可证（登记证、备案卡）编号")),
        _entity_name("entity_name", N_("用于核对，须与主体台账一致")),
        Column(
            "cadre_id_number",
            N_("包保干部身份证号"),
            ColumnType.ID,
            required=True,
            aliases=("干部身份证号", "包保干部身份证号码", "身份证号", *ID_NUMBER_ALIASES),
            note=ID_NOTE,
            example="11010519491231002X",
            width=22,
        ),
        Column(
            "cadre_name",
            N_("包保干部姓名"),
            required=True,
            aliases=("包保干部", "干部姓名", "包保人", "包保责任人", "姓名"),
            note=N_("用于核对，须与包保干部台账一致"),
            example=N_("李四"),
            width=12,
        ),
        Column(
            "grade",
            N_("包保等级"),
            ColumnType.ENUM,
            required=True,
            aliases=("包保级别", "主体等级", "包保分级"),
            choices=GRADE_CHOICES,
            note=N_("主体的包保等级，须与干部层级相符（默认 A 市级、B 县级、C 乡级、D 村级）"),
            example="D",
            width=10,
        ),
        Column(
            "supporter_id_number",
            N_("监管保障人员身份证号"),
            ColumnType.ID,
            aliases=("联络员身份证号", "监管人员身份证号"),
            note=N_("陪同督导的市场监管人员，须在包保干部台账中标为监管人员"),
            width=22,
        ),
        Column(
            "supporter_name",
            N_("监管保障人员"),
            aliases=("监管保障人员姓名", "联络员", "监管人员"),
            note=N_("用于核对"),
            width=12,
        ),
        Column(
            "since",
            N_("包保起始日期"),
            ColumnType.DATE,
            aliases=("起始日期", "包保日期", "开始日期"),
            note=N_("不填为导入当天"),
            example="2024-01-01",
            width=12,
        ),
    ),
)

# ------------------------------------------------------------------------------------- 食品安全管理人员台账

PERSONNEL = LedgerSpec(
    kind="personnel",
    title=N_("食品安全管理人员台账"),
    identity=("entity_uscc", "entity_license", "role", "id_number"),
    one_of=(("entity_uscc", "entity_license"),),
    columns=(
        _uscc("entity_uscc"),
        _license("entity_license", note=N_("没有统一社会信用代码的主体填许可证（登记证、备案卡）编号")),
        _entity_name("entity_name", N_("用于核对，须与主体台账一致")),
        Column(
            "role",
            N_("人员类别"),
            ColumnType.ENUM,
            required=True,
            aliases=("职务", "岗位", "类别", "人员类型", "管理人员类别"),
            choices=_choices(
                KeyPerson.Role,
                {
                    KeyPerson.Role.SAFETY_DIRECTOR: ("总监",),
                    KeyPerson.Role.SAFETY_OFFICER: ("安全员", "食品安全管理员"),
                },
                only=(KeyPerson.Role.SAFETY_DIRECTOR, KeyPerson.Role.SAFETY_OFFICER),
            ),
            note=N_("食品安全总监或食品安全员"),
            example=N_("食品安全员"),
            width=14,
        ),
        Column("name", N_("姓名"), required=True, aliases=("人员姓名",), example=N_("王五"), width=10),
        Column(
            "id_type",
            N_("证件类型"),
            ColumnType.ENUM,
            aliases=("证件种类",),
            choices=_choices(KeyPerson.IdType, {KeyPerson.IdType.RESIDENT: ("身份证",)}),
            note=N_("不填为居民身份证"),
            example=N_("居民身份证"),
            width=12,
        ),
        Column(
            "id_number",
            N_("身份证号"),
            ColumnType.ID,
            required=True,
            aliases=ID_NUMBER_ALIASES,
            note=ID_NOTE,
            example="440524188001010014",
            width=22,
        ),
        Column("phone", N_("联系电话"), ColumnType.ID, aliases=PHONE_ALIASES, note=PHONE_NOTE, example="13700000000"),
        Column(
            "trained_on",
            N_("最近培训日期"),
            ColumnType.DATE,
            aliases=("培训日期", "培训时间"),
            note=N_("最近一次参加食品安全培训的日期"),
            example="2024-03-05",
            width=12,
        ),
        Column(
            "training_hours",
            N_("年度培训学时"),
            ColumnType.INT,
            aliases=("培训学时", "培训时长"),
            note=N_("本年度累计培训学时"),
            example="40",
            width=12,
        ),
        Column(
            "test_result",
            N_("考核结果"),
            ColumnType.ENUM,
            aliases=("考核情况", "抽考结果", "考试结果"),
            choices=(Choice("pass", _("合格"), ("通过",)), Choice("fail", _("不合格"), ("未通过",))),
            note=N_("最近一次监督抽考或考核的结果"),
            example=N_("合格"),
            width=10,
        ),
    ),
)

SPECS: dict[str, LedgerSpec] = {spec.kind: spec for spec in (ENTITIES, CADRES, ASSIGNMENTS, PERSONNEL)}
