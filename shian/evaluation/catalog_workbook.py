"""A catalog version (a province's 细则) as an Excel workbook (docs/evaluation.md §1.1), read with the import engine
(:mod:`shian.imports`: headers found wherever they are, cells typed by column, damaged files refused) into the same
dict the TOML file gives, so the loader's checks (services/catalog.validate) are the only rules; their problems
come back as the engine's cell errors (sheet, row, column, message). The export of a validated catalog in this
format is the template a clerk edits.

Three sheets: 细则信息 (one row: version, title, authority, source, valid years, total points), 部门 (code and
name of the departments the catalog names; existing departments may be named without it) and 评价项目 (one row
per sub-item: its aspect and item columns, filled on the first row of each and left blank or repeated below;
vetoes are rows with 否决项 = 是 and no aspect or item).
"""

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from shian.accounts.models import Department
from shian.imports.cells import CellError, ImportFileError, display
from shian.imports.reading import Row, Sheet, read_sheet
from shian.imports.specs import Choice, Column, ColumnType, TableSpec, choices_from
from shian.imports.workbooks import error_report_sheets_xlsx

from .models import Recurrence

YES_NO = (
    Choice(True, N_("是"), ("y", "yes", "√", "1", "true")),
    Choice(False, N_("否"), ("n", "no", "×", "0", "false")),
)

HEAD = TableSpec(
    kind="evaluation_catalog",
    title=N_("细则信息"),
    columns=(
        Column("version", N_("细则版本"), required=True, aliases=("版本", "版本号"), width=16,
               note=N_("如 nm-2025；已载入的版本不能重复载入")),
        Column("title", N_("细则名称"), aliases=("细则标题",), width=40),
        Column("authority", N_("发布机关"), width=28),
        Column("source", N_("依据文件"), aliases=("来源", "文号"), width=28),
        Column("valid_from", N_("适用起始年度"), ColumnType.INT, width=12),
        Column("valid_to", N_("适用截止年度"), ColumnType.INT, width=12),
        Column("total_points", N_("总分"), ColumnType.DECIMAL, required=True, aliases=("满分",), width=8),
    ),
    identity=("version",),
)  # fmt: skip

DEPARTMENTS = TableSpec(
    kind="evaluation_departments",
    title=N_("部门"),
    columns=(
        Column("code", N_("部门编码"), required=True, width=24, note=N_("小写字母、数字或下划线；新编码将新建部门")),
        Column("name", N_("部门名称"), required=True, width=30),
    ),
    identity=("code",),
)

ITEMS = TableSpec(
    kind="evaluation_items",
    title=N_("评价项目"),
    columns=(
        Column("aspect_no", N_("方面序号"), ColumnType.INT, width=8),
        Column("aspect_name", N_("方面名称"), width=14),
        Column("aspect_points", N_("方面分值"), ColumnType.DECIMAL, width=8),
        Column("optional_count", N_("选做项计分个数"), ColumnType.INT, width=10),
        Column("item_no", N_("项序号"), ColumnType.INT, width=8),
        Column("item_title", N_("项名称"), width=16),
        Column("item_points", N_("项分值"), ColumnType.DECIMAL, width=8),
        Column("mandatory", N_("必选/选做"), ColumnType.ENUM, aliases=("必选或选做", "项类型"), width=9,
               choices=(Choice(True, N_("必选"), ("必选项", "必做")), Choice(False, N_("选做"), ("选做项", "可选")))),
        Column("pick", N_("计分小项数"), ColumnType.INT, width=10, note=N_("0 或空：全部小项计分；n：分值最高的 n 个计分")),
        Column("no", N_("小项编号"), ColumnType.INT, required=True, aliases=("编号",), width=8),
        Column("text", N_("要求内容"), required=True, aliases=("要求", "评价内容"), width=60),
        Column("points", N_("小项分值"), ColumnType.DECIMAL, width=8),
        Column("lead", N_("牵头部门"), aliases=("责任部门", "牵头单位"), width=24, note=N_("部门名称或编码，多个用“、”分隔")),
        Column("support", N_("配合部门"), aliases=("配合单位",), width=24, note=N_("部门名称或编码，多个用“、”分隔")),
        Column("start", N_("启动日期"), ColumnType.DATE, width=12),
        Column("recurrence", N_("频次"), ColumnType.ENUM, choices=choices_from(Recurrence), width=9),
        Column("may_be_na", N_("可合理缺项"), ColumnType.ENUM, choices=YES_NO, width=9),
        Column("veto", N_("否决项"), ColumnType.ENUM, choices=YES_NO, width=8),
        Column("indicator", N_("自动指标"), aliases=("指标",), width=20, note=N_("自动指标编码，可空")),
    ),
    identity=("no",),
)  # fmt: skip

ASPECT_FIELDS = {
    "no": "aspect_no",
    "name": "aspect_name",
    "points": "aspect_points",
    "optional_count": "optional_count",
}
ITEM_FIELDS = {
    "no": "item_no",
    "title": "item_title",
    "points": "item_points",
    "mandatory": "mandatory",
    "pick": "pick",
}
SUB_FIELDS = ("no", "text", "points", "lead", "support", "start", "recurrence", "may_be_na", "indicator")
_SPLIT = re.compile(r"[、，,；;/／\n]+")


@dataclass
class _Place:
    """Where an entry of the catalog dict came from: its sheet, first row, and the row of each field given."""

    sheet: Sheet
    row: int
    keys: dict  # catalog field -> spec column key
    rows: dict = field(default_factory=dict)  # catalog field -> row number it was read from


@dataclass
class ParsedCatalog:
    """The catalog dict (as the TOML file gives it), the sheets read, and every problem as a cell error."""

    data: dict
    sheets: list[Sheet]
    errors: list[tuple[Sheet, CellError]] = field(default_factory=list)
    places: dict = field(default_factory=dict)  # id(entry) -> _Place

    def add(self, sheet: Sheet, row: int, key: str, message: str, code: str = "format", value=None) -> None:
        if any(s is sheet and e.row == row and e.key == key for s, e in self.errors):
            return  # one message per cell: the reading problem is the one to fix first
        self.errors.append((sheet, sheet.cell_error(row, key, code, message, value)))

    def add_problem(self, node, field_name: str, message: str, code: str = "format") -> None:
        """A loader problem (services/catalog.Problem) placed on the cell it concerns."""
        place = self.places.get(id(node))
        if place is None:
            place = self.places[id(self.data["catalog"])]
            key = "version"
        else:
            key = place.keys.get(field_name, field_name if field_name in place.keys.values() else "")
            key = key or next(iter(place.keys.values()))
        row = place.rows.get(field_name, place.row)
        value = next((r.get(key) for r in place.sheet.rows if r.number == row), None)
        self.add(place.sheet, row, key, message, "duplicate" if "重复" in message else code, value)

    def rows_read(self) -> int:
        return len(self.sheets[-1].rows) if self.sheets else 0

    def messages(self) -> list[str]:
        """Each error as a clerk finds the cell: 工作表“评价项目”第 5 行 K 列“小项分值”：…"""
        return [_("工作表“%(sheet)s”") % {"sheet": sheet.sheet_name} + sheet.describe(error)
                for sheet, error in self.errors]  # fmt: skip

    def report_xlsx(self) -> bytes:
        """The engine's error report: each sheet with its bad cells marked, and one 错误清单."""
        return error_report_sheets_xlsx([(s, [e for t, e in self.errors if t is s]) for s in self.sheets])


def _departments(parsed: ParsedCatalog, sheet: Sheet | None) -> dict[str, str]:
    """code -> name from the 部门 sheet, each code once."""
    if sheet is None:
        return {}
    names: dict[str, str] = {}
    rows: dict[str, int] = {}
    taken: dict[str, int] = {}
    for row in sheet.rows:
        code, name = row["code"], row["name"]
        if not code:
            continue
        if code in rows:
            parsed.add(sheet, row.number, "code", _("部门编码与第 %(row)d 行重复。") % {"row": rows[code]}, "duplicate",
                       code)  # fmt: skip
            continue
        if name in taken:
            parsed.add(sheet, row.number, "name", _("部门名称与第 %(row)d 行重复：表中按名称填写的部门须能唯一确定。")
                       % {"row": taken[name]}, "duplicate", name)  # fmt: skip
        taken.setdefault(name, row.number)
        rows[code] = row.number
        names[code] = name or code
    parsed.places[id(names)] = _Place(sheet, sheet.header_row + 1, {c: "code" for c in rows}, dict(rows))
    return names


def _resolver(sheet_names: dict[str, str]):
    """A cell of department names or codes -> the codes; a word naming no department is kept as typed, for the
    loader to report as unknown."""
    by_name: dict[str, set[str]] = {}
    codes = set(sheet_names)
    for code, name in Department.objects.values_list("code", "name"):
        codes.add(code)
        by_name.setdefault(name, set()).add(code)
    for code, name in sheet_names.items():
        by_name[name] = {code}

    def resolve(cell) -> list[str]:
        out = []
        for word in _SPLIT.split(str(cell or "")):
            word = word.strip()
            if not word:
                continue
            if word in codes:
                out.append(word)
            elif len(by_name.get(word, ())) == 1:
                out.append(next(iter(by_name[word])))
            else:
                out.append(word)
        return out

    return resolve


def _shown(value) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return display(value)


def _merge(parsed: ParsedCatalog, node: dict, place: _Place, row: Row, fields: dict) -> None:
    """Fill an aspect's or item's fields from a row; a value differing from an earlier row's is an error."""
    for name, key in fields.items():
        value = row.get(key)
        if value is None or name == "no":
            continue
        if name in node and node[name] != value:
            parsed.add(place.sheet, row.number, key,
                       _("与第 %(row)d 行填写的“%(v)s”不一致。") % {"row": place.rows[name], "v": _shown(node[name])},
                       value=value)  # fmt: skip
            continue
        node[name] = value
        place.rows.setdefault(name, row.number)


def _items(parsed: ParsedCatalog, sheet: Sheet, resolve) -> tuple[list, list]:
    aspects: dict[int, dict] = {}
    items: dict[tuple, dict] = {}
    vetoes = []
    aspect_no = item_no = None
    for row in sheet.rows:
        sub = {"no": row["no"], "text": row["text"] or "", "points": row["points"] if row["points"] is not None else 0,
               "lead": resolve(row["lead"]), "support": resolve(row["support"]), "start": row["start"],
               "recurrence": row["recurrence"] or Recurrence.NONE.value, "may_be_na": bool(row["may_be_na"]),
               "indicator": row["indicator"] or ""}  # fmt: skip
        parsed.places[id(sub)] = _Place(sheet, row.number, {f: f for f in SUB_FIELDS})
        if row["veto"]:
            filled = [k for k in (*ASPECT_FIELDS.values(), *ITEM_FIELDS.values()) if row.get(k) is not None]
            if filled:
                parsed.add(sheet, row.number, filled[0], _("否决项不属于任何方面和项，方面、项各列应留空。"),
                           value=row.get(filled[0]))  # fmt: skip
            vetoes.append(sub)
            continue
        if row["aspect_no"] is not None:
            if row["aspect_no"] != aspect_no:
                item_no = None
            aspect_no = row["aspect_no"]
        if row["item_no"] is not None:
            item_no = row["item_no"]
        if aspect_no is None or item_no is None:
            key = "aspect_no" if aspect_no is None else "item_no"
            parsed.add(sheet, row.number, key, _("“%(h)s”不能为空：小项须属于一个方面和一个项（否决项请在“否决项”列填“是”）。")
                       % {"h": sheet.header(key)}, "required")  # fmt: skip
            continue
        aspect = aspects.get(aspect_no)
        if aspect is None:
            aspect = aspects[aspect_no] = {"no": aspect_no, "items": []}
            parsed.places[id(aspect)] = _Place(sheet, row.number, ASPECT_FIELDS, {"no": row.number})
        _merge(parsed, aspect, parsed.places[id(aspect)], row, ASPECT_FIELDS)
        item = items.get((aspect_no, item_no))
        if item is None:
            item = items[(aspect_no, item_no)] = {"no": item_no, "sub_items": []}
            aspect["items"].append(item)
            parsed.places[id(item)] = _Place(sheet, row.number, ITEM_FIELDS, {"no": row.number})
        _merge(parsed, item, parsed.places[id(item)], row, ITEM_FIELDS)
        item["sub_items"].append(sub)
    for item in items.values():
        item.setdefault("mandatory", True)
    return list(aspects.values()), vetoes


def parse(data: bytes, filename: str) -> ParsedCatalog:
    """Read a catalog workbook into the loader's dict. Raises ImportFileError when it cannot be read as one; the
    loader's own checks are not run here (services/catalog.import_workbook runs them)."""
    head_sheet = read_sheet(data, filename, HEAD)
    items_sheet = read_sheet(data, filename, ITEMS)
    try:
        dept_sheet = read_sheet(data, filename, DEPARTMENTS)
    except ImportFileError:
        dept_sheet = None  # the sheet is optional: a catalog naming existing departments only needs none
    sheets = [s for s in (head_sheet, dept_sheet, items_sheet) if s is not None]
    parsed = ParsedCatalog(data={}, sheets=sheets)
    for sheet in sheets:
        parsed.errors += [(sheet, e) for e in sheet.errors]
    head = {}
    if not head_sheet.rows:
        parsed.add(head_sheet, head_sheet.header_row + 1, "version", _("缺少细则信息：请在表头下一行填写版本、名称和总分。"),
                   "required")  # fmt: skip
    else:
        first = head_sheet.rows[0]
        head = {k: v for k, v in first.items() if v is not None}
        for extra in head_sheet.rows[1:]:
            parsed.add(head_sheet, extra.number, "version", _("细则信息只填一行（第 %(row)d 行）。") % {"row": first.number},
                       value=extra.get("version"))  # fmt: skip
    parsed.data["catalog"] = head
    parsed.places[id(head)] = _Place(head_sheet, head_sheet.rows[0].number if head_sheet.rows else head_sheet.header_row + 1,
                                     {c.key: c.key for c in HEAD.columns})  # fmt: skip
    departments = _departments(parsed, dept_sheet)
    parsed.data["departments"] = departments
    parsed.data["aspects"], parsed.data["vetoes"] = _items(parsed, items_sheet, _resolver(departments))
    if not items_sheet.rows:
        parsed.add(items_sheet, items_sheet.header_row + 1, "no", _("没有评价项目：请每行填写一个小项。"), "required")
    return parsed


def export_xlsx(rows: dict) -> bytes:
    """A validated catalog (services/catalog.validate's rows) as the workbook :func:`parse` reads: the template
    a clerk edits into a new version, and the round trip the tests check."""
    names = dict(Department.objects.filter(code__in=_codes(rows)).values_list("code", "name"))
    names.update(rows["departments"])
    used = sorted(_codes(rows))
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})  # fmt: skip
    bold = book.add_format({"bold": True, "bg_color": "#EEF2F6", "border": 1, "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    date = book.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})

    def table(spec: TableSpec, records: list[dict]) -> None:
        ws = book.add_worksheet(_(spec.title))
        for col, column in enumerate(spec.columns):
            ws.set_column(col, col, column.width)
            ws.write_string(0, col, column.label(), bold)
            if column.note:
                ws.write_comment(0, col, _(column.note))
        for index, record in enumerate(records, start=1):
            for col, column in enumerate(spec.columns):
                value = record.get(column.key)
                if value is None or value == "":
                    continue
                if column.type == ColumnType.ENUM:
                    value = next(str(c.label) for c in column.choices if c.value == value)
                if column.type == ColumnType.DATE:
                    ws.write_datetime(index, col, value, date)
                elif column.type in (ColumnType.INT, ColumnType.DECIMAL):
                    ws.write_number(index, col, float(value))
                else:
                    ws.write_string(index, col, str(value), wrap)
        ws.freeze_panes(1, 0)

    def depts(codes: list[str]) -> str:
        return "、".join(names.get(c, c) for c in codes)

    table(HEAD, [{"version": rows["version"], "title": rows["title"], "authority": rows["authority"],
                  "source": rows["source"], "valid_from": rows["valid_from"], "valid_to": rows["valid_to"],
                  "total_points": rows["total_points"]}])  # fmt: skip
    table(DEPARTMENTS, [{"code": c, "name": names.get(c, c)} for c in used])
    records = []
    for a in rows["aspects"]:
        for it in a["items"]:
            for s in it["sub_items"]:
                records.append({"aspect_no": a["no"], "aspect_name": a["name"], "aspect_points": a["points"],
                                "optional_count": a["optional_count"], "item_no": it["no"], "item_title": it["title"],
                                "item_points": it["points"], "mandatory": it["mandatory"], "pick": it["pick"],
                                **_sub_record(s, depts)})  # fmt: skip
    records += [{**_sub_record(v, depts), "veto": True, "points": None} for v in rows["vetoes"]]
    table(ITEMS, records)
    book.close()
    return output.getvalue()


def _sub_record(s: dict, depts) -> dict:
    return {"no": s["no"], "text": s["text"], "points": s["points"], "lead": depts(s["lead"]),
            "support": depts(s["support"]), "start": s["start"], "recurrence": s["recurrence"],
            "may_be_na": s["may_be_na"], "veto": False, "indicator": s["indicator"]}  # fmt: skip


def _codes(rows: dict) -> set[str]:
    subs = [s for a in rows["aspects"] for it in a["items"] for s in it["sub_items"]] + rows["vetoes"]
    return {c for s in subs for c in s["lead"] + s["support"]}
