"""The stall registry (docs/markets.md §1): a market's stalls added and edited one by one, or imported from an Excel
list through the import engine (shian/imports: headers below titles, variant names, dates in any form, a cell-level
report, all or nothing).

    add_stall(actor=, market=, number=, operator_id=None, operator_name="", operator_phone="", categories=,
              active_from=, active_until=None) -> Stall
    update_stall(actor=, stall=, **the same fields) -> Stall
    import_stalls(actor=, market=, data=, filename=) -> Outcome   all or nothing (ImportRefused: the cells)

A stall's operator is an entity of the registry (found by id, or in a file by its USCC, inside the market's county)
or a named person whose phone is personal data (stored, shown masked, docs/architecture.md §3.6). One audit entry
per stall written by hand, one per imported file (docs/architecture.md §3.2)."""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from shian.core import audit
from shian.core.jurisdiction import narrow_to, scope_queryset
from shian.core.regioncodes import COUNTY, ancestor, level_of
from shian.core.validation import reject_unknown
from shian.entities import validators
from shian.entities.models import Entity
from shian.imports.scoped import open_scoped_sheet
from shian.imports.specs import Column, ColumnType, TableSpec
from shian.imports.workbooks import error_report_xlsx

from ..models import Category, Stall
from ..ruledefs import IMPORT_MAX_ROWS
from .common import is_staff, require_keeper

FIELDS = ["number", "operator_id", "operator_name", "operator_phone", "categories", "active_from", "active_until"]
SPLIT = re.compile(r"[、,，;；/\s]+")

STALLS = TableSpec(
    kind="market_stalls",
    title=N_("市场摊位清单"),
    columns=(
        Column("number", N_("摊位号"), ColumnType.ID, required=True, aliases=("摊位编号", "摊位", "档口号"),
               example="A01", width=10),
        Column("operator_uscc", N_("经营主体统一社会信用代码"), ColumnType.ID,
               aliases=("统一社会信用代码", "信用代码", "经营者信用代码"), fold=validators.normalize, width=22,
               note=N_("经营者是登记在册的市场主体时填写；个人经营者填姓名")),
        Column("operator_name", N_("经营者姓名"), aliases=("经营者", "摊主", "摊主姓名", "姓名"), example="张三", width=12),
        Column("operator_phone", N_("联系电话"), ColumnType.ID, aliases=("电话", "手机", "手机号码"), width=14),
        Column("categories", N_("经营类别"), required=True, aliases=("经营品种", "类别", "经营范围"),
               example="蔬菜、水果", width=18, note=N_("多个类别用顿号分隔：蔬菜、水果、畜禽肉、水产品、蛋类、粮油、熟食、干货调料、其他")),
        Column("active_from", N_("启用日期"), ColumnType.DATE, required=True, aliases=("开始日期", "入场日期"), width=14),
        Column("active_until", N_("停用日期"), ColumnType.DATE, aliases=("结束日期", "退场日期"), width=14),
    ),
    identity=("number",),
    one_of=(("operator_uscc", "operator_name"),),
)  # fmt: skip


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"rows": self.rows, "created": self.created, "updated": self.updated, "unchanged": self.unchanged}


class ImportRefused(ValidationError):
    """The file was refused: `.cells` holds every problem, `.report` the annotated workbook."""

    def __init__(self, messages, *, cells: list[dict], report: bytes = b""):
        super().__init__({"file": messages})
        self.cells, self.report = cells, report


def parse_categories(value) -> tuple[list[str], list[str]]:
    """(category codes, words not understood) of a list or of a text such as "蔬菜、水果"."""
    words = value if isinstance(value, list | tuple) else SPLIT.split(str(value or ""))
    lookup = {str(v): v for v in Category.values} | {str(label): v for v, label in Category.choices}
    codes, unknown = [], []
    for word in (str(w).strip() for w in words):
        if not word:
            continue
        code = lookup.get(word)
        if code is None:
            unknown.append(word)
        elif code not in codes:
            codes.append(code)
    return codes, unknown


def operators_in_reach(actor, market: Entity):
    """Entities that may operate a stall of `market`: those of the market's county, and for staff only inside
    their jurisdiction (an enterprise account picks from its market's county)."""
    county = ancestor(market.region_id, COUNTY) if level_of(market.region_id) >= COUNTY else market.region_id
    qs = narrow_to(Entity.objects.exclude(status=Entity.Status.DEREGISTERED), county)
    return scope_queryset(qs, actor) if is_staff(actor) else qs


def check_stall(*, market: Entity, number, operator: Entity | None, operator_name, operator_phone, categories,
                active_from, active_until, stall: Stall | None = None, check_number: bool = True,
                ) -> tuple[dict, dict]:  # fmt: skip
    """(cleaned values, {field: [messages]}) of one stall; the number is checked against the market's others
    (`check_number=False`: the caller knows them, as the import does with one query for the whole file)."""
    errors: dict[str, list] = {}
    number = str(number or "").strip().upper()
    if not number:
        errors["number"] = [_("请填写摊位号。")]
    elif len(number) > Stall._meta.get_field("number").max_length:
        errors["number"] = [_("摊位号过长（最多 20 个字符）。")]
    elif check_number:
        others = Stall.objects.filter(market=market, number=number)
        if stall is not None:
            others = others.exclude(pk=stall.pk)
        if others.exists():
            errors["number"] = [_("本市场已有摊位号“%(n)s”。") % {"n": number}]
    name = str(operator_name or "").strip()
    phone = str(operator_phone or "").strip()
    if operator is None and not name:
        errors["operator"] = [_("请选择经营主体或填写经营者姓名。")]
    elif operator is not None and name:
        errors["operator"] = [_("经营者只能是登记在册的主体或个人之一，请勿同时填写。")]
    elif len(name) > Stall._meta.get_field("operator_name").max_length:
        errors["operator_name"] = [_("经营者姓名过长。")]
    if phone:
        try:
            phone = validators.validate_phone(phone)
        except ValidationError as exc:
            errors["operator_phone"] = exc.messages
    codes, unknown = parse_categories(categories)
    if unknown:
        errors["categories"] = [_("不认识的经营类别：%(w)s。") % {"w": "、".join(unknown)}]
    elif not codes:
        errors["categories"] = [_("请至少选择一个经营类别。")]
    if not isinstance(active_from, datetime.date):
        errors["active_from"] = [_("请填写启用日期（年-月-日）。")]
    if active_until is not None and not isinstance(active_until, datetime.date):
        errors["active_until"] = [_("停用日期格式不正确（年-月-日）。")]
    elif isinstance(active_from, datetime.date) and active_until is not None and active_until < active_from:
        errors["active_until"] = [_("停用日期不能早于启用日期。")]
    cleaned = {"number": number, "operator": operator, "operator_name": "" if operator else name,
               "operator_phone": "" if operator else phone, "categories": codes, "active_from": active_from,
               "active_until": active_until}  # fmt: skip
    return cleaned, errors


def _operator(actor, market: Entity, operator_id: int | None, errors: dict) -> Entity | None:
    if not operator_id:
        return None
    found = operators_in_reach(actor, market).filter(pk=operator_id).first()
    if found is None:
        errors["operator"] = [_("未找到该经营主体，或不在本市场所在县（区）及您的管辖范围内。")]
    return found


def _snapshot(stall: Stall) -> dict:
    data = audit.snapshot(stall, ["number", "operator_id", "operator_name", "active_from", "active_until"])
    data["phone"] = stall.operator_phone  # masked by audit.record
    data["categories"] = list(stall.categories)
    return data


@transaction.atomic
def add_stall(*, actor, market: Entity, **fields) -> Stall:
    require_keeper(actor, market)
    reject_unknown(fields, FIELDS)
    errors: dict = {}
    operator = _operator(actor, market, fields.get("operator_id"), errors)
    cleaned, problems = check_stall(
        market=market, number=fields.get("number"), operator=operator, operator_name=fields.get("operator_name"),
        operator_phone=fields.get("operator_phone"), categories=fields.get("categories") or [],
        active_from=fields.get("active_from"), active_until=fields.get("active_until"),
    )  # fmt: skip
    errors = {**problems, **errors}
    if errors:
        raise ValidationError(errors)
    stall = Stall.objects.create(market=market, region_id=market.region_id, **cleaned)
    audit.record(actor=actor, action="markets.stall_add", obj=stall, region_code=market.region_id,
                 after=_snapshot(stall))  # fmt: skip
    return stall


@transaction.atomic
def update_stall(*, actor, stall: Stall, **fields) -> Stall:
    market = stall.market
    require_keeper(actor, market)
    reject_unknown(fields, FIELDS)
    errors: dict = {}
    operator = _operator(actor, market, fields.get("operator_id"), errors)
    cleaned, problems = check_stall(
        market=market, number=fields.get("number"), operator=operator, operator_name=fields.get("operator_name"),
        operator_phone=fields.get("operator_phone"), categories=fields.get("categories") or [],
        active_from=fields.get("active_from"), active_until=fields.get("active_until"), stall=stall,
    )  # fmt: skip
    errors = {**problems, **errors}
    if errors:
        raise ValidationError(errors)
    before = _snapshot(stall)
    for key, value in cleaned.items():
        setattr(stall, key, value)
    stall.save()
    audit.record(actor=actor, action="markets.stall_update", obj=stall, region_code=stall.region_id, before=before,
                 after=audit.changed(before, _snapshot(stall)))  # fmt: skip
    return stall


@transaction.atomic
def import_stalls(*, actor, market: Entity, data: bytes, filename: str) -> Outcome:
    """Store a market's stall list: a number already registered is updated where it differs, a new one added;
    any wrong cell refuses the whole file (`ImportRefused`) with every cell named and the annotated workbook."""
    require_keeper(actor, market)
    _within, sheet = open_scoped_sheet(
        actor=actor, data=data, filename=filename, spec=STALLS, region_code="",
        max_rows_rule=IMPORT_MAX_ROWS.code, empty=_("文件中没有摊位。"),
    )  # fmt: skip
    outcome = Outcome(rows=len(sheet.rows))
    errors = list(sheet.errors)
    failed = sheet.error_cells()
    usccs = {str(r["operator_uscc"]) for r in sheet.rows if r["operator_uscc"]}
    by_uscc = {e.uscc: e for e in operators_in_reach(actor, market).filter(uscc__in=usccs)}
    stored = {s.number: s for s in Stall.objects.filter(market=market).select_for_update()}
    seen: dict[str, int] = {}
    good = []
    for row in sheet.rows:
        bad = []
        operator = None
        if row["operator_uscc"]:
            operator = by_uscc.get(str(row["operator_uscc"]))
            if operator is None and (row.number, "operator_uscc") not in failed:
                bad.append(sheet.cell_error(row.number, "operator_uscc", "unknown",
                                            _("本市场所在县（区）内没有该信用代码的主体"), row["operator_uscc"]))  # fmt: skip
        number = str(row["number"] or "").strip().upper()
        old = stored.get(number)
        cleaned, problems = check_stall(
            market=market, number=number, operator=operator,
            operator_name="" if row["operator_uscc"] else row["operator_name"], operator_phone=row["operator_phone"],
            categories=row["categories"], active_from=row["active_from"], active_until=row["active_until"], stall=old,
            check_number=False,  # a stored number is updated; a number twice in the file is caught below
        )  # fmt: skip
        for key, messages in problems.items():
            if key == "operator" and (row["operator_uscc"] and operator is None):
                continue  # already named on the USCC cell
            column = {"operator": "operator_name"}.get(key, key)
            if (row.number, column) not in failed:
                bad += [sheet.cell_error(row.number, column, "rule", m, row.get(column)) for m in messages]
        if number and number in seen:
            bad.append(sheet.cell_error(row.number, "number", "duplicate",
                                        _("与第 %(n)d 行的摊位号相同") % {"n": seen[number]}, number))  # fmt: skip
        seen.setdefault(number, row.number)
        errors += bad
        if not bad and not any(n == row.number for n, _k in failed):
            good.append((cleaned, old))
    if errors:
        errors.sort(key=lambda e: (e.row, sheet.positions.get(e.key, -1)))
        cells = [{"row": e.row, "column": e.column, "code": e.code, "message": e.message} for e in errors]
        outcome.errors = cells
        raise ImportRefused([sheet.describe(e) for e in errors], cells=cells,
                            report=error_report_xlsx(sheet, errors, spec=STALLS))  # fmt: skip
    new = []
    for cleaned, old in good:
        if old is None:
            new.append(Stall(market=market, region_id=market.region_id, **cleaned))
            continue
        if any(getattr(old, k) != v for k, v in cleaned.items()):
            for key, value in cleaned.items():
                setattr(old, key, value)
            old.save()
            outcome.updated += 1
        else:
            outcome.unchanged += 1
    Stall.objects.bulk_create(new)
    outcome.created = len(new)
    audit.record(
        actor=actor, action="markets.stall_import", object_type="markets.stall", region_code=market.region_id,
        object_repr=market.name[:200],
        after={"market": market.pk, "file": filename, "sha256": hashlib.sha256(data).hexdigest(), **outcome.as_dict()},
    )  # fmt: skip
    return outcome
