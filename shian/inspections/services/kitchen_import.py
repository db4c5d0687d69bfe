"""明厨亮灶 links from a spreadsheet (docs/inspections.md §6), read with the import engine's reader
(:mod:`shian.imports`: headers found wherever they are, variant spellings, dates in any form, damaged files refused
with a message) and checked row by row like one link at a time; all or nothing: one bad row and nothing is written,
every problem naming its row and column.

    import_links(actor=, data=, filename=) -> int   links created (one audit entry `kitchen.import`)
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from shian.core import audit
from shian.core.jurisdiction import scope_prefix, scope_queryset
from shian.entities.models import Entity
from shian.imports.scoped import open_scoped_sheet
from shian.imports.specs import Column, ColumnType, TableSpec, choices_from

from ..models import KitchenLink
from ..ruledefs import KITCHEN_IMPORT_MAX_ROWS
from .kitchens import _clean, _require_station

LINKS = TableSpec(
    kind="kitchen_links",
    title=N_("明厨亮灶接入登记"),
    columns=(
        Column("uscc", N_("统一社会信用代码"), ColumnType.ID, required=True, aliases=("信用代码", "社会信用代码"), width=22),
        Column("name", N_("主体名称"), aliases=("单位名称", "企业名称", "名称"), width=30),
        Column("platform", N_("平台"), required=True, aliases=("平台名称", "接入平台"), width=20),
        Column("channel_id", N_("通道编号"), ColumnType.ID, required=True, aliases=("通道号", "设备编号", "通道"), width=20),
        Column("url", N_("查看地址"), aliases=("网址", "链接", "地址"), width=40),
        Column("since", N_("接入日期"), ColumnType.DATE, required=True, aliases=("接入时间",), width=12),
        Column("status", N_("状态"), ColumnType.ENUM, choices=choices_from(KitchenLink.Status), width=8),
    ),
    identity=("channel_id",),
)  # fmt: skip


@transaction.atomic
def import_links(*, actor, data: bytes, filename: str) -> int:
    """Create the links of a file for entities (by USCC) in the actor's jurisdiction; refuse the whole file with
    every problem listed (`ValidationError({"file": [...]})`) when any row is wrong."""
    _require_station(actor)
    _within, sheet = open_scoped_sheet(
        actor=actor, data=data, filename=filename, spec=LINKS, region_code="",
        max_rows_rule=KITCHEN_IMPORT_MAX_ROWS.code, empty=_("文件中没有接入登记。"),
    )  # fmt: skip
    errors = list(sheet.errors)
    failed = sheet.error_cells()
    usccs = {str(row["uscc"]) for row in sheet.rows if row["uscc"]}
    entities = dict(scope_queryset(Entity.objects.filter(uscc__in=usccs), actor).values_list("uscc", "pk"))
    seen: dict[tuple, int] = {}
    links = []
    for row in sheet.rows:
        bad = []
        entity_id = entities.get(str(row["uscc"] or ""))
        if row["uscc"] and entity_id is None and (row.number, "uscc") not in failed:
            bad.append(
                sheet.cell_error(row.number, "uscc", "unknown", _("辖区内没有该统一社会信用代码的主体"), row["uscc"])
            )
        key = (str(row["platform"] or "").strip(), str(row["channel_id"] or "").strip())
        if all(key) and key in seen:
            message = _("与第 %(n)d 行的平台和通道编号相同") % {"n": seen[key]}
            bad.append(sheet.cell_error(row.number, "channel_id", "duplicate", message, key[1]))
        elif all(key):
            seen[key] = row.number
        if not any(r == row.number for r, _k in failed):
            try:
                fields = _clean(
                    platform=row["platform"], channel_id=row["channel_id"], url=row["url"], since=row["since"],
                    status=row["status"] or KitchenLink.Status.ONLINE,
                )  # fmt: skip
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    bad += [sheet.cell_error(row.number, field, "rule", m, row.get(field)) for m in messages]
            else:
                if entity_id is not None and not bad:
                    links.append(KitchenLink(entity_id=entity_id, **fields))
        errors += bad
    if errors:
        errors.sort(key=lambda e: (e.row, sheet.positions.get(e.key, -1)))
        raise ValidationError({"file": [sheet.describe(e) for e in errors]})
    KitchenLink.objects.bulk_create(links)
    audit.record(
        actor=actor, action="kitchen.import", object_type="inspections.kitchenlink",
        region_code=scope_prefix(actor) or "", after={"file": filename, "created": len(links)},
    )  # fmt: skip
    return len(links)
