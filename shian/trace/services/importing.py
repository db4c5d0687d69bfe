"""Chain events from Excel (docs/trace.md §3), read with the import engine (shian.imports: headers found below titles,
variant column names, dates in any form, a damaged file refused with a message). Every row is checked like an
entry on the phone page, set-based: the code's signature and batch, both businesses by USCC, the importer acting for
the recording side, the category's extra fields, and — replaying the file in time order over what each business
holds now — no hand-over of more than the giver holds. All or nothing: one bad row and nothing is written, each
problem naming its row, column and cell, with the annotated workbook (`ImportRefused.report`).

    import_events(actor=, data=, filename=) -> Outcome   rows, created, confirmations

One audit entry (`trace.import`) with the file's hash and counts; rows are written in bulk."""

import datetime
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from shian.accounts.models import Role, User
from shian.core import audit
from shian.core.bulk import insert_rows, reserve_keys
from shian.core.jurisdiction import scope_prefix
from shian.entities.models import Entity
from shian.imports.scoped import open_scoped_sheet
from shian.imports.specs import Choice, Column, ColumnType, TableSpec
from shian.imports.workbooks import error_report_xlsx
from shian.regions.models import Region

from .. import codes
from ..models import Batch, ChainEvent, EventKind, TraceCode
from ..ruledefs import IMPORT_MAX_ROWS
from .catalog import EARLIEST_YEAR, RECORDERS
from .events import GIVER_KINDS, TAKER_KINDS, clean_attributes

CHUNK = 5000
COLUMNS = ["id", "batch_id", "kind", "from_entity_id", "to_entity_id", "region_id", "quantity", "occurred_at",
           "attributes", "confirms_id", "counted", "source", "idempotency_key", "request_hash", "created_by_id",
           "created_at"]  # fmt: skip
EVENT_TIME = datetime.time(12)  # the file gives the day; the event counts on that day

EVENTS = TableSpec(
    kind="trace_events",
    title=N_("流通记录（追溯）"),
    columns=(
        Column("code", N_("追溯码"), required=True, aliases=("码", "追溯码编号", "二维码"), width=24,
               example="abcd2345-k7m2p9x3qa"),
        Column("kind", N_("环节"), ColumnType.ENUM, required=True, aliases=("类型", "流通环节"),
               choices=tuple(Choice(k, EventKind(k).label) for k in (EventKind.RECEIVED, EventKind.SOLD,
                                                                      EventKind.STALL_RECEIVED, EventKind.RETAIL_SOLD))),
        Column("from_uscc", N_("交出方统一社会信用代码"), ColumnType.ID, aliases=("供货方", "销售方", "供货单位信用代码"),
               width=22),
        Column("to_uscc", N_("接收方统一社会信用代码"), ColumnType.ID, aliases=("购货方", "收货方", "购货单位信用代码"),
               width=22, note=N_("零售不填")),
        Column("quantity", N_("数量"), ColumnType.INT, required=True, aliases=("件数",)),
        Column("occurred_on", N_("日期"), ColumnType.DATE, required=True, aliases=("发生日期", "交易日期", "进货日期")),
        Column("attributes", N_("附加信息"), aliases=("证明编号", "单证"), width=40,
               note=N_("按产品类别填写，如：产地=山东昌乐；动物检疫合格证明编号=A3707…（分号分隔）")),
    ),
    identity=(),  # a hand-over has no natural key: two equal rows are two deliveries
)  # fmt: skip


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    confirmations: int = 0
    errors: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"rows": self.rows, "created": self.created, "confirmations": self.confirmations,
                "errors": self.errors}  # fmt: skip


class ImportRefused(ValidationError):
    """The file was refused: `.cells` holds every problem, `.report` the annotated workbook."""

    def __init__(self, messages, *, cells: list[dict], outcome: Outcome, report: bytes = b""):
        super().__init__({"file": messages})
        self.cells, self.outcome, self.report = cells, outcome, report


def _attributes(text: str, fields: list[dict]) -> dict:
    """`label=value; key=value` pairs, a field named by its label or its key."""
    by_name = {f["label"]: f["key"] for f in fields} | {f["key"]: f["key"] for f in fields}
    out = {}
    for part in str(text or "").replace("；", ";").split(";"):
        name, sep, value = part.replace("＝", "=").replace("：", "=").partition("=")
        if sep:
            out[by_name.get(name.strip(), name.strip())] = value.strip()
    return out


def _in_chunks(values, size=CHUNK):
    values = list(values)
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _lookups(rows) -> tuple[dict, dict, dict]:
    """One signature check per distinct code text (a file repeats a batch's code on many rows), then the codes and
    the businesses in chunked IN queries."""
    token_of = {text: codes.unsign(text) for text in {str(r["code"] or "") for r in rows}}
    tokens = set(token_of.values()) - {None}
    batch_of: dict[str, TraceCode | None] = {}
    for part in _in_chunks(tokens):
        for code in TraceCode.objects.filter(token__in=part).select_related("batch__product__category"):
            batch_of[code.token] = code if code.revoked_at is None else None
    usccs = {str(r[k]) for r in rows for k in ("from_uscc", "to_uscc") if r[k]}
    entity_of: dict[str, Entity] = {}
    for part in _in_chunks(usccs):
        entity_of.update(
            {e.uscc: e for e in Entity.objects.filter(uscc__in=part).only("pk", "uscc", "region_id", "name")}
        )
    return token_of, batch_of, entity_of


def _may_act(actor, entity: Entity, prefix: str) -> bool:
    if actor.is_superuser:
        return True
    if actor.role == Role.ENTERPRISE:
        return entity.pk == actor.entity_id
    return actor.role in RECORDERS and (entity.region_id or "").startswith(prefix)


def _holdings(batch_ids) -> dict[tuple[int, int], int]:
    held: dict[tuple[int, int], int] = defaultdict(int)
    for part in _in_chunks(batch_ids):
        counted = ChainEvent.objects.filter(batch_id__in=part, counted=True).order_by()
        for b, e, n in (
            counted.exclude(to_entity=None).values_list("batch_id", "to_entity_id").annotate(n=Sum("quantity"))
        ):
            held[(b, e)] += n
        for b, e, n in (
            counted.exclude(from_entity=None).values_list("batch_id", "from_entity_id").annotate(n=Sum("quantity"))
        ):
            held[(b, e)] -= n
    return held


def _open_sales(batch_ids) -> dict[tuple, list[int]]:
    """Sales not yet confirmed by their receiver, keyed (batch, from, to, quantity), oldest first."""
    pool: dict[tuple, list[int]] = defaultdict(list)
    for part in _in_chunks(batch_ids):
        confirmed = ChainEvent.objects.filter(batch_id__in=part, confirms__isnull=False).values("confirms_id")
        sales = (ChainEvent.objects.filter(batch_id__in=part, kind=EventKind.SOLD, counted=True)
                 .exclude(pk__in=confirmed).order_by("occurred_at", "id"))  # fmt: skip
        for pk, b, f, t, n in sales.values_list("pk", "batch_id", "from_entity_id", "to_entity_id", "quantity"):
            pool[(b, f, t, n)].append(pk)
    return pool


def import_events(*, actor, data: bytes, filename: str, now: datetime.datetime | None = None) -> Outcome:
    """Record the file's hand-overs; refuse the whole file (`ImportRefused`) when any row is wrong."""
    if not (actor.is_superuser or actor.role in RECORDERS or actor.role == Role.ENTERPRISE):
        raise PermissionDenied(_("您的角色无权导入流通记录。"))
    prefix = scope_prefix(actor) or ""
    _within, sheet = open_scoped_sheet(actor=actor, data=data, filename=filename, spec=EVENTS,
                                       region_code="", max_rows_rule=IMPORT_MAX_ROWS.code,
                                       empty=_("文件中没有流通记录。"))  # fmt: skip
    now = now or timezone.now()
    outcome = Outcome(rows=len(sheet.rows))
    errors = list(sheet.errors)
    failed = {number for number, _key in sheet.error_cells()}
    token_of, batch_of, entity_of = _lookups(sheet.rows)
    today = timezone.localdate(now)
    allowed: dict[int, bool] = {}  # per business: may the actor record its side
    cleaned: dict[tuple, dict | list] = {}  # per (batch, kind, attribute text): the fields or the messages
    good: list[tuple] = []
    for row in sheet.rows:
        bad = []
        token = token_of[str(row["code"] or "")]
        code = batch_of.get(token) if token else None
        if token is None:
            bad.append(sheet.cell_error(row.number, "code", "forged", _("追溯码无效（签名校验失败）"), row["code"]))
        elif code is None:
            reason = _("追溯码已作废") if token in batch_of else _("追溯码不存在")
            bad.append(sheet.cell_error(row.number, "code", "unknown", reason, row["code"]))
        kind = row["kind"]
        sides = {}
        for key in ("from_uscc", "to_uscc"):
            value = row[key]
            sides[key] = entity_of.get(str(value)) if value else None
            if value and sides[key] is None:
                bad.append(sheet.cell_error(row.number, key, "unknown", _("未找到该统一社会信用代码的经营单位"), value))
        if kind and not row["from_uscc"] and (row.number, "from_uscc") not in failed:
            bad.append(sheet.cell_error(row.number, "from_uscc", "required", _("请填写交出方"), ""))
        if kind and kind != EventKind.RETAIL_SOLD and not row["to_uscc"]:
            bad.append(sheet.cell_error(row.number, "to_uscc", "required", _("请填写接收方（零售除外）"), ""))
        if kind == EventKind.RETAIL_SOLD and row["to_uscc"]:
            bad.append(sheet.cell_error(row.number, "to_uscc", "rule", _("零售记录没有接收单位"), row["to_uscc"]))
        day = row["occurred_on"]
        if isinstance(day, datetime.date) and day.year < EARLIEST_YEAR:
            bad.append(sheet.cell_error(row.number, "occurred_on", "rule", _("日期无效"), day))
        elif isinstance(day, datetime.date) and day > today:
            bad.append(sheet.cell_error(row.number, "occurred_on", "future", _("日期晚于今天"), day))
        quantity = row["quantity"]
        if isinstance(quantity, int) and quantity <= 0:
            bad.append(sheet.cell_error(row.number, "quantity", "rule", _("数量应大于 0"), quantity))
        side_key = "from_uscc" if kind in GIVER_KINDS else "to_uscc"
        side = sides.get(side_key)
        if side is not None and side.id not in allowed:  # `.id`, not `.pk`: the property costs 1 µs a call
            allowed[side.id] = _may_act(actor, side, prefix)
        if side is not None and not allowed[side.id]:
            bad.append(sheet.cell_error(row.number, side_key, "scope",
                                        _("只能导入本单位（或管辖范围内单位）一方的记录"), row[side_key]))  # fmt: skip
        attributes = {}
        if code is not None and kind:
            key = (code.batch_id, kind, row["attributes"])
            if key not in cleaned:
                try:
                    cleaned[key] = clean_attributes(
                        code.batch, kind, _attributes(row["attributes"], code.batch.product.category.fields or [])
                    )
                except ValidationError as exc:
                    cleaned[key] = exc.messages
            attributes = cleaned[key]
            if isinstance(attributes, list):
                bad += [sheet.cell_error(row.number, "attributes", "rule", m, row["attributes"]) for m in attributes]
        errors += bad
        if not bad and row.number not in failed:
            good.append((row.number, code.batch_id, kind, sides["from_uscc"], sides["to_uscc"], quantity, day,
                         attributes, side))  # fmt: skip
    errors += _replay(sheet, good)
    if errors:
        _refuse(sheet, errors, outcome)
    outcome.created, outcome.confirmations = _write(actor, good, data, filename, sheet, outcome)
    return outcome


def _refuse(sheet, errors: list, outcome: Outcome):
    errors.sort(key=lambda e: (e.row, sheet.positions.get(e.key, -1)))
    cells = [{"row": e.row, "column": e.column, "code": e.code, "message": e.message} for e in errors]
    outcome.errors = cells
    report = error_report_xlsx(sheet, errors, spec=EVENTS) if len(sheet.rows) <= 100_000 else b""
    raise ImportRefused([sheet.describe(e) for e in errors[:200]], cells=cells, outcome=outcome, report=report)


def _present(model, ids) -> set:
    """Which of `ids` still exist, locked `FOR KEY SHARE` on PostgreSQL until the commit (what a foreign-key check
    takes per row, here once per distinct id): the chain-event columns that carry no database constraint
    (`db_constraint=False`, docs/performance.md) are checked by this instead."""
    table, column = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(model._meta.pk.column)
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    found = set()
    with connection.cursor() as cursor:
        for part in _in_chunks(sorted(ids)):
            cursor.execute(f"SELECT {column} FROM {table} WHERE {column} IN ({', '.join(['%s'] * len(part))}){lock}",
                           part)  # fmt: skip
            found.update(row[0] for row in cursor.fetchall())
    return found


def _vanished(sheet, actor, good) -> list:
    """Cell errors for references that went away between the checks and the write (a business deleted meanwhile):
    the foreign keys the database no longer checks row by row, checked once per file."""
    entities = {e.pk: e for e in {id(g[3]): g[3] for g in good}.values()}  # rows share the looked-up objects
    entities |= {e.pk: e for e in {id(g[4]): g[4] for g in good if g[4] is not None}.values()}
    missing = entities.keys() - _present(Entity, entities)
    errors = []
    if missing:
        errors = [sheet.cell_error(number, key, "unknown", _("未找到该统一社会信用代码的经营单位"), side.uscc)
                  for number, _b, _k, giver, taker, *_rest in good
                  for key, side in (("from_uscc", giver), ("to_uscc", taker))
                  if side is not None and side.pk in missing]  # fmt: skip
    regions = {e.region_id for e in entities.values()}
    sales = {g[9] for g in good if g[9] is not None and g[9] >= 0}
    if (_present(Region, regions) != regions or _present(User, {actor.pk}) != {actor.pk}
            or _present(ChainEvent, sales) != sales):  # fmt: skip
        raise ValidationError({"file": [_("导入期间有关单位、区划或销售记录已变更，请重新导入。")]})
    return errors


def _replay(sheet, good) -> list:
    """Apply the rows in time order over current holdings; a giver short of goods is a cell error on its quantity.
    Marks each row counted (a move) or a confirmation of an open sale (appended to the row as its last item)."""
    batch_ids = {g[1] for g in good}
    held = _holdings(batch_ids)
    pool = _open_sales(batch_ids)
    file_sales: dict[tuple, list[int]] = defaultdict(list)
    errors = []
    for i, (number, batch_id, kind, giver, taker, n, _day, _attrs, _side) in sorted(
        enumerate(good), key=lambda p: (p[1][6], p[1][0])
    ):
        giver_id, taker_id = giver.id, (None if taker is None else taker.id)
        key = (batch_id, giver_id, taker_id, n)
        confirms = None
        if kind in TAKER_KINDS and (pool.get(key) or file_sales.get(key)):
            confirms = pool[key].pop(0) if pool.get(key) else -file_sales[key].pop(0) - 1
        if confirms is None:
            have = held[(batch_id, giver_id)]
            if n > have:
                errors.append(sheet.cell_error(number, "quantity", "over",
                                               _("%(e)s此时持有该批次 %(h)d，不能交出 %(n)d")
                                               % {"e": giver.name, "h": max(have, 0), "n": n}, n))  # fmt: skip
                continue
            held[(batch_id, giver_id)] -= n
            if taker is not None:
                held[(batch_id, taker_id)] += n
            if kind == EventKind.SOLD:
                file_sales[key].append(i)
        good[i] = (*good[i][:9], confirms)
    return errors


@transaction.atomic
def _write(actor, good, data: bytes, filename: str, sheet, outcome: Outcome) -> tuple[int, int]:
    """Plain rows with keys reserved up front (a confirmation may point at a sale of the same file), one COPY on
    PostgreSQL (`core.bulk.insert_rows`): a million model instances would cost more than the writing itself. The
    batches are locked and every other reference checked (and locked) once per file before the COPY."""
    batch_ids = sorted({g[1] for g in good})
    for part in _in_chunks(batch_ids):  # the same lock as a single entry: no hand-over races the import
        list(Batch.objects.select_for_update().filter(pk__in=part).order_by("pk").values_list("pk", flat=True))
    errors = _vanished(sheet, actor, good)
    if errors:
        _refuse(sheet, errors, outcome)
    pks = reserve_keys(ChainEvent, len(good))
    ops = connection.ops
    created = ops.adapt_datetimefield_value(timezone.now())
    when: dict[datetime.date, object] = {}
    texts: dict[int, tuple] = {}
    confirmations = 0
    rows = []
    for pk, (_number, batch_id, kind, giver, taker, n, day, attrs, side, confirms) in zip(pks, good, strict=True):
        if day not in when:
            when[day] = ops.adapt_datetimefield_value(timezone.make_aware(datetime.datetime.combine(day, EVENT_TIME)))
        text = texts.get(id(attrs))
        if text is None or text[0] is not attrs:  # memoised attributes are shared: dump each once
            text = texts[id(attrs)] = (attrs, json.dumps(attrs, ensure_ascii=False))
        if confirms is not None:
            confirmations += 1
            confirms = confirms if confirms >= 0 else pks[-confirms - 1]
        rows.append((pk, batch_id, kind, giver.id, None if taker is None else taker.id, side.region_id, n, when[day], text[1],
                     confirms, confirms is None, "import", "", "", actor.pk, created))  # fmt: skip
    insert_rows(ChainEvent, COLUMNS, rows)
    audit.record(actor=actor, action="trace.import", object_type="trace.chainevent", object_repr=filename[:200],
                 region_code=scope_prefix(actor) or "",
                 after={"file": filename, "sha256": hashlib.sha256(data).hexdigest(), "rows": len(good),
                        "confirmations": confirmations})  # fmt: skip
    return len(rows), confirmations
