"""12315/12345 platform exports (docs/complaints.md §2), read with the import engine's reader (shian.imports:
headers found below titles, the platforms' variant column names, dates in any form, damaged files refused with a
message), each row checked like a clerk's entry (`intake.clean`: phone and ID number formats, a date not in the
future, a known food category) and routed by territory; all or nothing: one bad row and nothing is written, every
problem naming its row, column and cell.

    import_file(actor=, data=, filename=) -> Outcome   rows, created, linked duplicates, routed per region, unmatched

One audit entry (`complaint.import`) with the file's hash and counts."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from shian.imports.scoped import open_scoped_sheet
from shian.imports.specs import Choice, Column, ColumnType, TableSpec, choices_from

from ..models import Category, Complaint
from ..ruledefs import IMPORT_MAX_ROWS
from .intake import build, clean, create_items, require_clerk
from .routing import Routing

RECEIVED_TIME = datetime.time(8, 30)  # the export gives the day; the item counts from that day either way

PLATFORM = TableSpec(
    kind="complaints_12315",
    title=N_("12315/12345 投诉举报工单"),
    columns=(
        Column("source_number", N_("工单编号"), ColumnType.ID, required=True,
               aliases=("工单号", "登记编号", "投诉举报编号", "编号"), width=22),
        Column("kind", N_("类型"), ColumnType.ENUM, required=True, aliases=("诉求类型", "件类型", "工单类型"),
               choices=choices_from(Complaint.Kind, aliases={"complaint": ("投诉件",), "report": ("举报件",)})),
        Column("channel", N_("来源"), ColumnType.ENUM, aliases=("来源渠道", "渠道", "平台"),
               choices=(Choice(Complaint.Channel.P12315, N_("12315平台"), ("12315", "全国12315平台")),
                        Choice(Complaint.Channel.P12345, N_("12345热线"), ("12345", "政务服务便民热线")))),
        Column("received_at", N_("登记时间"), ColumnType.DATE, required=True,
               aliases=("收到时间", "受理时间", "登记日期", "投诉时间", "举报时间"), width=14),
        Column("informant_name", N_("姓名"), aliases=("投诉人", "举报人", "投诉举报人", "诉求人", "联系人")),
        Column("phone", N_("联系电话"), ColumnType.ID, aliases=("电话", "手机", "手机号码", "联系方式"), width=16),
        Column("id_number", N_("身份证号"), ColumnType.ID, aliases=("身份证号码", "证件号码"), width=22),
        Column("entity_name", N_("被投诉举报单位"), aliases=("被投诉单位", "被举报单位", "被投诉人", "被举报人",
                                                              "涉事单位", "经营者名称"), width=30),
        Column("entity_uscc", N_("统一社会信用代码"), ColumnType.ID, aliases=("信用代码", "社会信用代码"), width=22),
        Column("entity_address", N_("地址"), aliases=("被投诉单位地址", "被举报单位地址", "经营地址", "涉事地址",
                                                     "发生地址"), width=40),
        Column("category", N_("问题类别"), ColumnType.ENUM, required=True, aliases=("食品类别", "诉求类别", "分类"),
               choices=choices_from(Category)),
        Column("facts", N_("诉求内容"), required=True, aliases=("投诉内容", "举报内容", "问题描述", "内容"), width=50),
    ),
    identity=("source_number",),
    one_of=(("entity_name", "entity_uscc", "entity_address"),),
)  # fmt: skip

FIELD_KEYS = {"anonymous": "informant_name", "entity_id": "entity_name"}


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    linked_duplicates: int = 0
    routed: dict = field(default_factory=dict)
    unmatched: int = 0
    fuzzy: int = 0
    errors: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"rows": self.rows, "created": self.created, "linked_duplicates": self.linked_duplicates,
                "routed": dict(sorted(self.routed.items())), "unmatched": self.unmatched, "errors": self.errors}  # fmt: skip


class ImportRefused(ValidationError):
    """The file was refused: `.cells` holds every problem (row, column, code, message), `.outcome` the counts."""

    def __init__(self, messages, *, cells: list[dict], outcome: Outcome):
        super().__init__({"file": messages})
        self.cells, self.outcome = cells, outcome


def _received(day) -> datetime.datetime | None:
    if not isinstance(day, datetime.date):
        return None
    moment = timezone.make_aware(datetime.datetime.combine(day, RECEIVED_TIME))
    return min(moment, timezone.now()) if day <= timezone.localdate() else moment


@transaction.atomic
def import_file(*, actor, data: bytes, filename: str, region_code: str = "") -> Outcome:
    """Create the items of a platform export inside the actor's jurisdiction (narrowed to `region_code`); refuse
    the whole file (`ImportRefused`) when any row is wrong."""
    require_clerk(actor)
    within, sheet = open_scoped_sheet(
        actor=actor, data=data, filename=filename, spec=PLATFORM, region_code=region_code,
        max_rows_rule=IMPORT_MAX_ROWS.code, empty=_("文件中没有工单。"), need_region=True,
    )  # fmt: skip
    outcome = Outcome(rows=len(sheet.rows))
    errors = list(sheet.errors)
    failed_cells = sheet.error_cells()
    failed = {number for number, _key in failed_cells}
    now = timezone.now()
    seen: dict[str, int] = {}
    numbers = {str(r["source_number"]) for r in sheet.rows if r["source_number"]}
    stored = set(Complaint.objects.filter(source_number__in=numbers).values_list("source_number", flat=True))
    good: list[tuple[int, dict]] = []
    for row in sheet.rows:
        bad = []
        number = str(row["source_number"] or "")
        if number in seen:
            bad.append(sheet.cell_error(row.number, "source_number", "duplicate",
                                        _("与第 %(n)d 行的工单编号相同") % {"n": seen[number]}, number))  # fmt: skip
        elif number:
            seen[number] = row.number
        if number in stored:
            bad.append(sheet.cell_error(row.number, "source_number", "exists", _("该工单已导入过"), number))
        day = row["received_at"]
        if isinstance(day, datetime.date) and day > timezone.localdate(now):
            bad.append(sheet.cell_error(row.number, "received_at", "future", _("登记时间晚于今天"), day))
        values = {key: row[key] for key in ("source_number", "kind", "informant_name", "phone", "id_number",
                                            "entity_name", "entity_uscc", "entity_address", "category", "facts")}  # fmt: skip
        values["channel"] = row["channel"] or Complaint.Channel.P12315
        values["received_at"] = _received(day)
        values["anonymous"] = row["kind"] == Complaint.Kind.REPORT and not (row["informant_name"] or row["phone"])
        cleaned, problems = clean(values, now=now + datetime.timedelta(days=1))  # the day is checked above
        for key, messages in problems.items():
            key = FIELD_KEYS.get(key, key)
            if (row.number, key) in failed_cells or any(e.key == key for e in bad):
                continue
            bad += [sheet.cell_error(row.number, key, "rule", m, row.get(key)) for m in messages]
        errors += bad
        if not bad and row.number not in failed:
            good.append((row.number, cleaned))
    if errors:
        errors.sort(key=lambda e: (e.row, sheet.positions.get(e.key, -1)))
        cells = [{"row": e.row, "column": e.column, "code": e.code, "message": e.message} for e in errors]
        outcome.errors = cells
        raise ImportRefused([sheet.describe(e) for e in errors], cells=cells, outcome=outcome)
    routing = Routing(within=within)
    routing.prepare(cleaned for _n, cleaned in good)
    items = []
    for _n, cleaned in good:
        route = routing.route(entity_name=cleaned["entity_name"], entity_uscc=cleaned["entity_uscc"],
                              entity_address=cleaned["entity_address"])  # fmt: skip
        items.append(build(cleaned, route, actor=actor))
        outcome.routed[route.region_code] = outcome.routed.get(route.region_code, 0) + 1
        outcome.unmatched += route.match == Complaint.Match.NONE
        outcome.fuzzy += route.match == Complaint.Match.FUZZY
    digest = hashlib.sha256(data).hexdigest()
    outcome.linked_duplicates = create_items(
        items, actor=actor, action="complaint.import", region_code=within,
        extra={"file": filename, "sha256": digest, "unmatched": outcome.unmatched, "fuzzy": outcome.fuzzy},
    )  # fmt: skip
    outcome.created = len(items)
    return outcome
