"""One cadre's 包保 papers: the four lists and the commitment (三清单一承诺 / 四清单, docs/domain.md §4.2).

`cadre_documents` builds the content once as shian.reports.documents sections; `build` lays it out as
GB/T 9704 Word or PDF, each part starting on a new page:

1. 责任清单 — the duties of every cadre and those of the cadre's level (docs/domain.md §4.2, §4.5);
2. 任务清单 — the guaranteed entities and the quarterly supervision visits;
3. 督查清单 — what a visit checks, for the formats the cadre's entities have;
4. 问题整改清单 — the rectification ledger: the open problems of the cadre's entities, then blank rows. The
   problems are recorded by `visits`, which sits above baobao, so visits registers the rows' source here
   (`register_rectification_rows`) and baobao never imports it;
5. 承诺书 — 《食品安全责任与任务承诺书》, with the online confirmation if the cadre has confirmed.

Callers pass a cadre already fetched through the scoped selectors, and its guarantees from
`selectors.cadre_guarantees`.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shian.core import rules
from shian.entities.models import BusinessType, SubType
from shian.regions.selectors import region_ancestors
from shian.reports.documents import NUMERALS, Block, Section, heading, numbered, paragraph, render_file, table
from shian.reports.letters import checklist_table, letter

from .models import Cadre, CadreLevel, Commitment, Guarantee
from .ruledefs import STATUS_REPORT, VISITS_PER_QUARTER

BLANK_RECTIFICATION_ROWS = 8
RECTIFICATION_HEADERS = (
    gettext_lazy("序号"),
    gettext_lazy("主体名称"),
    gettext_lazy("问题"),
    gettext_lazy("整改措施"),
    gettext_lazy("时限"),
    gettext_lazy("责任人"),
    gettext_lazy("销号日期"),
)

# The source of the 问题整改清单's rows: (cadre, guarantees) -> rows of the columns after 序号 (six cells each).
RectificationRows = Callable[[Cadre, Sequence[Guarantee]], list[list[str]]]
_rectification_sources: list[RectificationRows] = []


def register_rectification_rows(source: RectificationRows) -> None:
    """Called by the module that records problems (visits, from its AppConfig.ready)."""
    if source not in _rectification_sources:
        _rectification_sources.append(source)


def rectification_rows(cadre: Cadre, guarantees: Sequence[Guarantee]) -> list[list[str]]:
    return [row for source in _rectification_sources for row in source(cadre, guarantees)]


def rule_numbers(cadre: Cadre, guarantees: Sequence[Guarantee], year: int) -> dict:
    """The rules the papers print, in force in `year` (today's rule for this year). Visits per quarter are the visit
    clock's: each entity's own region's rule (`per_entity`, printed on its row of the task list); the pledge
    promises the most any of them asks, so the letter never promises less than the clock counts. The working
    days to report a change are the cadre's region's."""
    on = min(timezone.localdate(), datetime.date(year, 12, 31))
    by_region: dict[str, int] = {}
    for region in {g.entity.region_id for g in guarantees} | {cadre.region_id}:
        by_region[region] = rules.value(VISITS_PER_QUARTER.code, region, on)
    per_entity = {g.entity_id: by_region[g.entity.region_id] for g in guarantees}
    return {
        "visits": max(per_entity.values(), default=by_region[cadre.region_id]),
        "per_entity": per_entity,
        "days": rules.value(STATUS_REPORT.code, cadre.region_id, on),
    }


# -- reads -----------------------------------------------------------------------------------------------------


def commitment_for(*, cadre: Cadre, year: int) -> Commitment | None:
    """The cadre's confirmed commitment of `year`, if any (the cadre comes from a scoped selector)."""
    return Commitment.objects.filter(cadre=cadre, year=year).first()


def commitments_for(*, cadres: Iterable[Cadre], year: int) -> dict[int, Commitment]:
    """Commitments of `year` for many cadres in one query, by cadre id."""
    ids = [c.pk for c in cadres]
    return {c.cadre_id: c for c in Commitment.objects.filter(cadre_id__in=ids, year=year)}


def region_label(cadre: Cadre, cache: dict[str, str] | None = None) -> str:
    """The cadre's region written out from the city down (潍坊市昌乐县宝都街道), one query per region."""
    region = cadre.region
    if cache is not None and region.code in cache:
        return cache[region.code]
    names = [r.name for r in region_ancestors(region) if r.level > 1 and r.name != "市辖区"]
    label = "".join(names) or region.name
    if cache is not None:
        cache[region.code] = label
    return label


# -- content ---------------------------------------------------------------------------------------------------

_COMMON_DUTIES = [
    gettext_lazy(
        "熟悉包保主体基本情况：掌握所包保主体的名称、业态、经营地址、主要负责人、食品安全总监和食品安全员，"
        "了解其主要食品安全风险点。"
    ),
    gettext_lazy(
        "开展包保督导：对每家包保主体每季度至少督导%(visits)d次，节假日和重大活动期间适当增加频次；"
        "高风险主体实地督导，低风险主体可通过工作群、电话、视频等方式远程督导。"
    ),
    gettext_lazy(
        "督促落实主体责任：查阅包保主体的《每日食品安全检查记录》《每周食品安全排查治理报告》"
        "《每月食品安全调度会议纪要》，核实“日管控、周排查、月调度”是否真实、及时、完整。"
    ),
    gettext_lazy(
        "督促问题整改：对督导发现的问题，督促包保主体限期整改，并告知属地市场监管所；整改到位、经核实后销号；"
        "发现重大风险隐患的，立即报告属地食品安全委员会办公室。"
    ),
    gettext_lazy(
        "报告变化情况：包保主体新开办、停业、注销，或本人岗位变动、不能继续履职的，"
        "自发生之日起%(days)d个工作日内报告属地食品安全委员会办公室。"
    ),
    gettext_lazy("如实记录督导情况：每次督导填写督导检查表，留存现场照片、签字等佐证材料，并及时录入系统。"),
    gettext_lazy("接受监督：本人姓名、职务、联系方式在包保主体经营场所醒目位置公示，接受社会监督和上级督查。"),
]

_LEVEL_DUTIES = {
    CadreLevel.CITY: [
        gettext_lazy("统筹推动本市食品安全包保工作，包保A级主体，协调解决包保主体存在的重大食品安全问题。"),
        gettext_lazy("督促分管领域的行业主管部门落实行业管理责任，推动分管领域食品安全工作。"),
        gettext_lazy("结合分管工作，每年至少听取一次包保主体食品安全工作情况汇报。"),
    ],
    CadreLevel.COUNTY: [
        gettext_lazy("包保B级主体，协调县级行业主管部门和属地乡镇（街道）解决包保主体存在的问题。"),
        gettext_lazy("指导、督促辖区乡级、村级包保干部履行包保责任，推动包保工作落实。"),
        gettext_lazy("督促分管领域的行业主管部门落实行业管理责任。"),
    ],
    CadreLevel.TOWNSHIP: [
        gettext_lazy("包保C级主体，组织本乡镇（街道）包保工作，建立并及时更新包保台账。"),
        gettext_lazy("指导村级包保干部、网格员开展日常巡查，对辖区包保工作落实情况进行督促检查。"),
        gettext_lazy("配合市场监管所开展风险隐患排查和问题整改，及时上报辖区主体变化情况。"),
    ],
    CadreLevel.VILLAGE: [
        gettext_lazy("包保D级主体，结合网格化管理开展日常巡查，发现问题及时报告乡镇（街道）食安办和市场监管所。"),
        gettext_lazy("协助做好农村集体聚餐报备和指导，宣传普及食品安全知识。"),
        gettext_lazy("及时发现和报告辖区新开办、未登记的食品生产经营主体。"),
    ],
}


def _duty_list(cadre: Cadre, level_label: str, numbers: dict[str, int]) -> list[Block]:
    blocks = [
        paragraph(
            _(
                "为落实地方党委和政府食品安全属地管理责任，按照分层分级、精准防控、末端发力、终端见效的包保工作要求，"
                "制定本清单。"
            )
        ),
        heading(_("一、共同职责")),
    ]
    blocks += numbered(str(item) % numbers for item in _COMMON_DUTIES)
    blocks.append(heading(_("二、%(level)s包保干部职责") % {"level": level_label}))
    blocks += numbered(str(item) for item in _LEVEL_DUTIES.get(cadre.level, []))
    if cadre.is_regulator:
        blocks.append(heading(_("三、监管保障职责")))
        blocks += numbered(
            [_("作为监管人员，为本辖区包保干部督导提供专业支持，陪同开展督导，对发现的违法行为依法查处。")]
        )
    return blocks


def _entity_format(entity) -> str:
    label = entity.get_business_type_display()
    if entity.sub_type:
        label = f"{label}\n{entity.get_sub_type_display()}"
    return label


def _quarter_cells(since: datetime.date | None, year: int, visits: int) -> list[str]:
    """For each quarter of `year`: the visits due if the guarantee covers it, a dash if it began later."""
    cells = []
    for quarter in range(4):
        end_month = 3 * quarter + 3
        quarter_end = datetime.date(year, end_month, 1) + datetime.timedelta(days=31)
        quarter_end = quarter_end.replace(day=1) - datetime.timedelta(days=1)
        covered = since is None or since <= quarter_end
        cells.append(_("督导≥%(n)d次") % {"n": visits} if covered else "—")
    return cells


def _task_list(guarantees: Sequence[Guarantee], year: int, visits: dict[int, int]) -> list[Block]:
    blocks = [
        paragraph(
            _("本年度包保食品生产经营主体%(n)d家，具体如下。包保主体发生变化的，以系统中最新发布的包保关系为准。")
            % {"n": len(guarantees)}
        ),
        heading(_("一、包保主体")),
    ]
    rows = []
    for n, g in enumerate(guarantees, 1):
        e = g.entity
        supporter = g.supporter.name if g.supporter_id else "—"
        rows.append([n, e.name, e.uscc or "—", _entity_format(e), e.address, g.entity_grade or "—", supporter])
    if not rows:
        rows = [["", _("暂无包保主体"), "", "", "", "", ""]]
    headers = [_("序号"), _("主体名称"), _("统一社会信用代码"), _("业态"), _("经营地址"), _("等级"), _("监管保障")]
    blocks.append(table(headers, rows, (10, 32, 41, 22, 30, 9, 12), compact=True))
    blocks.append(heading(_("二、督导任务")))
    visit_rows = [
        [
            n,
            g.entity.name,
            *_quarter_cells(g.since if g.since and g.since.year == year else None, year, visits[g.entity_id]),
        ]
        for n, g in enumerate(guarantees, 1)
    ]
    if not visit_rows:
        visit_rows = [["", _("暂无包保主体"), "", "", "", ""]]
    quarters = [_("第一季度"), _("第二季度"), _("第三季度"), _("第四季度")]
    blocks.append(table([_("序号"), _("主体名称"), *quarters], visit_rows, (10, 58, 22, 22, 22, 22), compact=True))
    blocks += numbered(
        [
            _("节假日、重大活动期间及发生食品安全风险时，增加督导频次。"),
            _("每次督导对照督查清单逐项检查，查验“日管控、周排查、月调度”记录。"),
            _("督导发现的问题登记在问题整改清单，督促限期整改，整改到位后销号。"),
        ]
    )
    return blocks


# Generic 督导 checklists (docs/domain.md §4.5: Jinan's four — production, sales, catering, special food).
# Default text until the inspections app keeps versioned checklists (docs/architecture.md §3.5).
CHECKLIST_VERSION = "2026.1"
_GENERAL_CHECKS = [
    (gettext_lazy("证照公示"), gettext_lazy("营业执照、许可证或备案凭证在有效期内，并在经营场所醒目位置公示。")),
    (
        gettext_lazy("人员管理"),
        gettext_lazy("按规定配备食品安全总监、食品安全员；从业人员持有效健康证明，定期接受培训和考核。"),
    ),
    (
        gettext_lazy("主体责任"),
        gettext_lazy("建立并落实“日管控、周排查、月调度”制度，相关记录真实、完整；制定并落实风险管控清单。"),
    ),
    (gettext_lazy("包保公示"), gettext_lazy("包保干部姓名、职务、联系方式在经营场所公示。")),
]
_FORMAT_CHECKS = {
    "production": (
        gettext_lazy("食品生产"),
        [
            (gettext_lazy("生产环境"), gettext_lazy("厂区、车间整洁，防尘、防鼠、防虫设施完好有效。")),
            (gettext_lazy("进货查验"), gettext_lazy("原辅料、食品添加剂进货查验和索证索票记录完整。")),
            (
                gettext_lazy("过程控制"),
                gettext_lazy("按工艺规程生产；食品添加剂按标准使用，专人专柜管理，使用记录完整。"),
            ),
            (gettext_lazy("出厂检验"), gettext_lazy("按标准开展出厂检验，检验记录和留样完整。")),
            (gettext_lazy("标签标识"), gettext_lazy("产品标签标识符合食品安全标准。")),
            (gettext_lazy("召回处置"), gettext_lazy("建立不合格食品召回和处置制度，记录完整。")),
        ],
    ),
    "sales": (
        gettext_lazy("食品销售"),
        [
            (gettext_lazy("进货查验"), gettext_lazy("查验供货者资质和产品合格证明，进货查验记录完整或可追溯。")),
            (gettext_lazy("贮存条件"), gettext_lazy("食品分区分架存放，冷藏冷冻设施温度符合要求。")),
            (gettext_lazy("临期过期"), gettext_lazy("定期检查库存，及时清理过期、变质食品，临期食品集中陈列并提示。")),
            (gettext_lazy("散装食品"), gettext_lazy("散装食品标明名称、生产日期或批号、保质期及经营者信息。")),
            (gettext_lazy("市场与网络"), gettext_lazy("市场开办者、网络平台履行入场（入网）查验和管理义务。")),
        ],
    ),
    "catering": (
        gettext_lazy("餐饮服务"),
        [
            (gettext_lazy("原料控制"), gettext_lazy("进货查验、索证索票，不采购使用禁用原料和来源不明的食品。")),
            (gettext_lazy("加工制作"), gettext_lazy("生熟分开，烧熟煮透，加工操作规范。")),
            (gettext_lazy("清洗消毒"), gettext_lazy("餐用具清洗、消毒、保洁到位，设施正常运转。")),
            (gettext_lazy("食品留样"), gettext_lazy("学校食堂、集体用餐配送单位等按规定留样并记录。")),
            (gettext_lazy("明厨亮灶"), gettext_lazy("后厨操作过程可视，设施正常运行。")),
            (gettext_lazy("环境卫生"), gettext_lazy("防蝇、防鼠、防尘设施完好，加工经营场所清洁。")),
        ],
    ),
    "special": (
        gettext_lazy("特殊食品"),
        [
            (
                gettext_lazy("产品资质"),
                gettext_lazy("保健食品、特殊医学用途配方食品、婴幼儿配方食品具有注册证书或备案凭证。"),
            ),
            (gettext_lazy("专区专柜"), gettext_lazy("设立专区或专柜销售，并有明确的提示标识。")),
            (gettext_lazy("标签说明书"), gettext_lazy("标签、说明书与注册或备案内容一致。")),
            (gettext_lazy("宣传行为"), gettext_lazy("无虚假宣传，不宣称具有疾病预防、治疗功能。")),
        ],
    ),
}


def _checklist_kind(entity) -> str:
    business_type = entity.business_type
    if business_type == BusinessType.PRODUCTION or entity.sub_type == SubType.SMALL_WORKSHOP:
        return "production"
    if business_type in (BusinessType.SALES, BusinessType.MARKET, BusinessType.ONLINE):
        return "sales"
    if business_type == BusinessType.SPECIAL:
        return "special"
    return "catering"  # catering, canteens, small eateries and stalls


def _inspection_list(guarantees: Sequence[Guarantee]) -> list[Block]:
    kinds = {_checklist_kind(g.entity) for g in guarantees} or set(_FORMAT_CHECKS)
    headers = [_("序号"), _("检查项目"), _("检查内容"), _("检查结果")]
    widths = (10, 28, 92, 26)
    blocks = [
        paragraph(
            _(
                "督导时对照本清单逐项检查，如实记录检查结果；不符合的，登记在问题整改清单。"
                "本清单为通用参考条目（%(version)s版），各地可按本地督导检查表细化。"
            )
            % {"version": CHECKLIST_VERSION}
        ),
        heading(_("一、通用检查事项")),
        checklist_table(headers, _GENERAL_CHECKS, widths),
    ]
    number = 1
    for kind, (label, items) in _FORMAT_CHECKS.items():
        if kind not in kinds:
            continue
        number += 1
        blocks.append(heading(_("%(n)s、%(format)s检查事项") % {"n": NUMERALS[number - 1], "format": label}))
        blocks.append(checklist_table(headers, items, widths))
    return blocks


def _rectification_list(rows: Sequence[Sequence[str]]) -> list[Block]:
    """The open problems of the cadre's entities, numbered, then blank rows to add new ones by hand."""
    cells = [[n, *row] for n, row in enumerate(rows, start=1)]
    cells += [
        [n] + [""] * (len(RECTIFICATION_HEADERS) - 1)
        for n in range(len(cells) + 1, len(cells) + 1 + BLANK_RECTIFICATION_ROWS)
    ]
    intro = _("督导中发现的问题逐条登记，明确整改措施、时限和责任人；整改到位并经核实后填写销号日期。")
    if rows:
        intro += _("前 %(n)d 行为系统中尚未销号的问题（截至打印日）。") % {"n": len(rows)}
    headers = [str(h) for h in RECTIFICATION_HEADERS]
    return [paragraph(intro), table(headers, cells, (10, 28, 34, 34, 18, 14, 18), compact=True, row_height=10)]


def _commitment(
    cadre: Cadre, region: str, count: int, year: int, commitment: Commitment | None, numbers: dict[str, int]
) -> Section:
    office = "".join(str(x) for x in (cadre.department or "", cadre.position) if x)
    if office:
        who = _("本人%(name)s，现任%(region)s%(office)s，") % {"name": cadre.name, "region": region, "office": office}
    else:
        who = _("本人%(name)s，所属%(region)s，") % {"name": cadre.name, "region": region}
    intro = who + _(
        "作为%(level)s食品安全包保干部，%(year)d年度包保食品生产经营主体%(n)d家（名单见《食品安全包保任务清单》）。"
        "为切实履行食品安全属地管理责任，本人郑重承诺："
    ) % {"level": cadre.get_level_display(), "year": year, "n": count}
    pledges = [
        _("认真履行食品安全包保责任清单所列职责，熟悉所包保主体的基本情况和主要风险。"),
        _("按照任务清单要求，每季度对每家包保主体至少督导%(n)d次，如实记录督导情况。") % {"n": numbers["visits"]},
        _("督促包保主体落实食品安全主体责任，落实“日管控、周排查、月调度”工作机制。"),
        _("对督导发现的问题，督促包保主体限期整改到位，实行闭环管理；发现重大风险隐患立即报告。"),
        _("包保主体或本人岗位发生变化的，在%(days)d个工作日内报告。") % {"days": numbers["days"]},
        _("自觉接受上级督查和社会监督；如有失职失责，愿意承担相应责任。"),
    ]
    closing = _("本承诺书自确认之日起生效，有效期至%(year)d年12月31日。") % {"year": year}
    confirmed_on = timezone.localtime(commitment.confirmed_at).date() if commitment is not None else None
    title = _("食品安全责任与任务承诺书")
    return letter("commitment", title, intro, pledges, closing, signer=cadre.name, confirmed_on=confirmed_on)


def cadre_documents(
    cadre: Cadre,
    guarantees: Iterable[Guarantee],
    commitment: Commitment | None = None,
    *,
    year: int | None = None,
    region: str | None = None,
) -> list[Section]:
    """The five parts for one cadre. `year` defaults to the commitment's or this year; `region` to the
    cadre's region written out (see `region_label`)."""
    guarantees = list(guarantees)
    year = year or (commitment.year if commitment else timezone.localdate().year)
    region = region or region_label(cadre)
    level = cadre.get_level_display()
    office = cadre.position or (str(cadre.department) if cadre.department_id else "")
    person = _("包保干部：%(name)s") % {"name": cadre.name}
    if office:
        person += "\u3000" + _("职务：%(office)s") % {"office": office}
    header = (_("（%(year)d年度）") % {"year": year}, person, _("区划：%(region)s") % {"region": region})
    numbers = rule_numbers(cadre, guarantees, year)
    return [
        Section("duties", _("食品安全包保责任清单"), header, _duty_list(cadre, level, numbers)),
        Section("tasks", _("食品安全包保任务清单"), header, _task_list(guarantees, year, numbers["per_entity"])),
        Section("inspection", _("食品安全包保督查清单"), header, _inspection_list(guarantees)),
        Section(
            "rectification",
            _("食品安全包保问题整改清单"),
            header,
            _rectification_list(rectification_rows(cadre, guarantees)),
        ),
        _commitment(cadre, region, len(guarantees), year, commitment, numbers),
    ]


# -- rendering -------------------------------------------------------------------------------------------------


def build(
    cadre: Cadre,
    guarantees: Iterable[Guarantee],
    commitment: Commitment | None,
    *,
    fmt: str,
    year: int | None = None,
    region: str | None = None,
) -> tuple[str, bytes]:
    """(file name, bytes) of one cadre's document in `fmt` ("docx" or "pdf")."""
    sections = cadre_documents(cadre, guarantees, commitment, year=year, region=region)
    title = _("%(name)s包保清单与承诺书") % {"name": cadre.name}
    stem = _("%(region)s_%(name)s_包保清单与承诺书") % {"region": cadre.region.name, "name": cadre.name}
    return render_file(sections, fmt=fmt, title=title, stem=stem)
