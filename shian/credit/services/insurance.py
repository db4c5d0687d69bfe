"""Liability insurance (食品安全责任保险, docs/credit.md §4): policies entered one by one or imported from an insurer's
Excel list, and the expiry reminders.

    add_policy(actor=, entity_id=, insurer=, number=, starts_on=, ends_on=, cover=) -> InsurancePolicy
    import_policies(actor=, data=, filename=, region_code="") -> Outcome   all or nothing (ImportRefused: cells)
    remind_expiring(now=None) -> int                                       the scheduler job's work

The import reads the file with the import engine's reader (shian.imports: headers below titles, variant column
names, dates in any form, damaged files refused with a message), finds each policy's entity by its USCC or licence
number inside the importer's jurisdiction (outside reads as unknown), and refuses the whole file when any cell is
wrong, naming row, column and cell; the annotated workbook (`ImportRefused.report`) marks the cells in red. A policy
already stored (same insurer and number) is updated when its period or cover changed. One audit entry per file."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from shian.accounts.access import STATION
from shian.accounts.models import Role, User
from shian.core import audit
from shian.core.jurisdiction import get_entity_row, scope_queryset
from shian.core.notifiers import deliver
from shian.entities import validators
from shian.entities.models import Entity, License
from shian.imports.scoped import open_scoped_sheet
from shian.imports.specs import Column, ColumnType, TableSpec
from shian.imports.workbooks import error_report_xlsx

from ..models import InsurancePolicy
from ..ruledefs import IMPORT_MAX_ROWS
from ..selectors.lists import expiring
from .recompute import queue

COVER_MAX = Decimal("999999999999.99")

POLICIES = TableSpec(
    kind="insurance_policies",
    title=N_("食品安全责任保险保单"),
    columns=(
        Column("uscc", N_("统一社会信用代码"), ColumnType.ID, aliases=("信用代码", "社会信用代码", "投保人信用代码"),
               fold=validators.normalize, width=22),
        Column("licence", N_("许可证编号"), ColumnType.ID, aliases=("许可证号", "食品经营许可证编号", "登记证编号"),
               width=20),
        Column("entity_name", N_("投保单位"), aliases=("投保人", "被保险人", "单位名称", "主体名称"), width=30),
        Column("insurer", N_("保险公司"), required=True, aliases=("承保公司", "承保机构", "保险机构"), width=20),
        Column("number", N_("保单号"), ColumnType.ID, required=True, aliases=("保险单号", "保单号码"), width=24),
        Column("starts_on", N_("保险起期"), ColumnType.DATE, required=True, aliases=("起保日期", "保险起始日期"),
               width=14),
        Column("ends_on", N_("保险止期"), ColumnType.DATE, required=True, aliases=("终保日期", "保险终止日期", "到期日"),
               width=14),
        Column("cover", N_("累计赔偿限额（元）"), ColumnType.DECIMAL, required=True,
               aliases=("赔偿限额", "保险金额", "保额", "累计赔偿限额"), width=16),
    ),
    identity=("insurer", "number"),
    one_of=(("uscc", "licence"),),
)  # fmt: skip


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"rows": self.rows, "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "errors": self.errors}  # fmt: skip


class ImportRefused(ValidationError):
    """The file was refused: `.cells` holds every problem, `.report` the annotated workbook."""

    def __init__(self, messages, *, cells: list[dict], outcome: Outcome, report: bytes = b""):
        super().__init__({"file": messages})
        self.cells, self.outcome, self.report = cells, outcome, report


def can_keep(actor) -> bool:
    return bool(actor.is_superuser or getattr(actor, "role", None) in STATION)


def _require_keeper(actor) -> None:
    if not getattr(actor, "is_authenticated", False) or not can_keep(actor):
        raise PermissionDenied(_("只有市场监管部门人员可以登记责任保险保单。"))


def check_policy(*, insurer, number, starts_on, ends_on, cover) -> tuple[dict, dict]:
    """(cleaned values, {field: [messages]})."""
    errors: dict[str, list] = {}
    insurer, number = (insurer or "").strip(), (number or "").strip()
    if not insurer:
        errors["insurer"] = [_("请填写保险公司。")]
    elif len(insurer) > InsurancePolicy._meta.get_field("insurer").max_length:
        errors["insurer"] = [_("保险公司名称过长。")]
    if not number:
        errors["number"] = [_("请填写保单号。")]
    elif len(number) > InsurancePolicy._meta.get_field("number").max_length:
        errors["number"] = [_("保单号过长。")]
    if not isinstance(starts_on, datetime.date):
        errors["starts_on"] = [_("请填写保险起期（日期）。")]
    if not isinstance(ends_on, datetime.date):
        errors["ends_on"] = [_("请填写保险止期（日期）。")]
    elif isinstance(starts_on, datetime.date) and ends_on < starts_on:
        errors["ends_on"] = [_("保险止期早于起期。")]
    try:
        cover = Decimal(str(cover)).quantize(Decimal("0.01")) if cover not in (None, "") else None
    except (InvalidOperation, ValueError):
        cover = None
    if cover is None or cover <= 0 or cover > COVER_MAX:
        errors["cover"] = [_("请填写大于 0 的累计赔偿限额（元）。")]
    cleaned = {"insurer": insurer, "number": number, "starts_on": starts_on, "ends_on": ends_on, "cover": cover}
    return cleaned, errors


@transaction.atomic
def add_policy(*, actor, entity_id: int, insurer: str, number: str, starts_on, ends_on, cover) -> InsurancePolicy:
    _require_keeper(actor)
    entity = get_entity_row(Entity.objects.all(), actor, entity_field="pk", pk=entity_id)
    cleaned, errors = check_policy(insurer=insurer, number=number, starts_on=starts_on, ends_on=ends_on, cover=cover)
    if not errors and InsurancePolicy.objects.filter(insurer=cleaned["insurer"], number=cleaned["number"]).exists():
        errors["number"] = [_("该保险公司的这个保单号已登记。")]
    if errors:
        raise ValidationError(errors)
    policy = InsurancePolicy.objects.create(entity=entity, region_id=entity.region_id, created_by=actor,
                                            source=InsurancePolicy.Source.ENTERED, **cleaned)  # fmt: skip
    audit.record(actor=actor, action="credit.policy_add", obj=policy, region_code=entity.region_id,
                 after=audit.snapshot(policy, ["insurer", "number", "starts_on", "ends_on", "cover"]))  # fmt: skip
    return policy


def _entities(sheet, within: str, actor) -> tuple[dict, dict]:
    """(uscc -> entity, licence number -> entity) of the sheet's identifiers inside the importer's reach."""
    scope = scope_queryset(Entity.objects.all(), actor)
    usccs = {str(r["uscc"]) for r in sheet.rows if r["uscc"]}
    licences = {str(r["licence"]) for r in sheet.rows if r["licence"]}
    by_uscc: dict[str, list] = {}
    for pk, uscc, region in scope.filter(uscc__in=usccs).values_list("pk", "uscc", "region_id"):
        if region.startswith(within):
            by_uscc.setdefault(uscc, []).append((pk, region))
    by_licence = {}
    rows = License.objects.filter(number__in=licences, entity__in=scope).values_list(
        "number", "entity_id", "entity__region_id"
    )
    for number, pk, region in rows:
        if region.startswith(within):
            by_licence[number] = (pk, region)
    return by_uscc, by_licence


@transaction.atomic
def import_policies(*, actor, data: bytes, filename: str, region_code: str = "") -> Outcome:
    """Store the policies of an insurer's list inside the actor's jurisdiction (narrowed to `region_code`); refuse
    the whole file (`ImportRefused`) when any row is wrong."""
    _require_keeper(actor)
    within, sheet = open_scoped_sheet(
        actor=actor, data=data, filename=filename, spec=POLICIES, region_code=region_code,
        max_rows_rule=IMPORT_MAX_ROWS.code, empty=_("文件中没有保单。"),
    )  # fmt: skip
    outcome = Outcome(rows=len(sheet.rows))
    errors = list(sheet.errors)
    failed_cells = sheet.error_cells()
    by_uscc, by_licence = _entities(sheet, within, actor)
    keys = {(str(r["insurer"] or "").strip(), str(r["number"] or "")) for r in sheet.rows}
    stored = {
        (p.insurer, p.number): p
        for p in InsurancePolicy.objects.filter(number__in=[k[1] for k in keys if k[1]]).select_for_update()
        if (p.insurer, p.number) in keys
    }
    seen: dict[tuple, int] = {}
    good = []
    for row in sheet.rows:
        bad = []
        cleaned, problems = check_policy(insurer=row["insurer"], number=row["number"], starts_on=row["starts_on"],
                                         ends_on=row["ends_on"], cover=row["cover"])  # fmt: skip
        for key, messages in problems.items():
            if (row.number, key) not in failed_cells:
                bad += [sheet.cell_error(row.number, key, "rule", m, row.get(key)) for m in messages]
        key = (cleaned["insurer"], cleaned["number"])
        if cleaned["number"] and key in seen:
            bad.append(sheet.cell_error(row.number, "number", "duplicate",
                                        _("与第 %(n)d 行的保单相同") % {"n": seen[key]}, cleaned["number"]))  # fmt: skip
        seen.setdefault(key, row.number)
        found = None
        if row["uscc"]:
            matches = by_uscc.get(str(row["uscc"]), [])
            if len(matches) == 1:
                found = matches[0]
            elif (row.number, "uscc") not in failed_cells and not row["licence"]:
                message = (
                    _("本辖区内有多个主体使用该信用代码，请填写许可证编号")
                    if matches
                    else _("本辖区内没有该信用代码的主体")
                )
                bad.append(sheet.cell_error(row.number, "uscc", "unknown", message, row["uscc"]))
        if found is None and row["licence"]:
            found = by_licence.get(str(row["licence"]))
            if found is None and (row.number, "licence") not in failed_cells:
                bad.append(sheet.cell_error(row.number, "licence", "unknown", _("本辖区内没有该许可证编号的主体"),
                                            row["licence"]))  # fmt: skip
        old = stored.get(key)
        if old is not None and found is not None and old.entity_id != found[0]:
            bad.append(sheet.cell_error(row.number, "number", "other_entity", _("该保单已登记在另一主体名下"),
                                        cleaned["number"]))  # fmt: skip
        errors += bad
        if not bad and row.number not in {n for n, _k in failed_cells}:
            good.append((cleaned, found, old))
    if errors:
        errors.sort(key=lambda e: (e.row, sheet.positions.get(e.key, -1)))
        cells = [{"row": e.row, "column": e.column, "code": e.code, "message": e.message} for e in errors]
        outcome.errors = cells
        report = error_report_xlsx(sheet, errors, spec=POLICIES)
        raise ImportRefused([sheet.describe(e) for e in errors], cells=cells, outcome=outcome, report=report)
    fields = ("starts_on", "ends_on", "cover")
    new = []
    for cleaned, (entity_id, region), old in good:
        if old is None:
            new.append(InsurancePolicy(entity_id=entity_id, region_id=region, created_by=actor,
                                       source=InsurancePolicy.Source.IMPORTED, **cleaned))  # fmt: skip
        elif any(getattr(old, f) != cleaned[f] for f in fields):
            for f in fields:
                setattr(old, f, cleaned[f])
            old.reminded_at = None
            old.save(update_fields=[*fields, "reminded_at"])
            outcome.updated += 1
        else:
            outcome.unchanged += 1
    InsurancePolicy.objects.bulk_create(new)
    outcome.created = len(new)
    queue({entity_id for _c, (entity_id, _r), _o in good})
    audit.record(
        actor=actor, action="credit.policy_import", object_type="credit.insurancepolicy", region_code=within,
        after={"file": filename, "sha256": hashlib.sha256(data).hexdigest(), **outcome.as_dict()},
    )  # fmt: skip
    return outcome


def remind_expiring(now=None) -> int:
    """Tell each entity's own users and the station that its policy is about to end (once per policy)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = expiring(today).filter(reminded_at__isnull=True).select_related("entity")
    sent = 0
    for policy in due[:5000]:
        with transaction.atomic():
            users = list(User.objects.filter(is_active=True, role=Role.ENTERPRISE, entity_id=policy.entity_id))
            users += list(User.objects.filter(Q(is_active=True), Q(role=Role.STATION_STAFF),
                                              Q(region_id__in=_prefixes(policy.region_id))))  # fmt: skip
            text = _("%(entity)s 的食品安全责任保险（%(insurer)s %(number)s）将于 %(day)s 到期，请及时续保。") % {
                "entity": policy.entity.name, "insurer": policy.insurer, "number": policy.number,
                "day": policy.ends_on.isoformat()}  # fmt: skip
            url = reverse("credit:file", args=[policy.entity_id])
            deliver(users=users, text=text, url=url, kind="credit.policy_expiring")
            InsurancePolicy.objects.filter(pk=policy.pk).update(reminded_at=now)
            audit.record(actor=None, action="credit.policy_remind", obj=policy, region_code=policy.region_id,
                         after={"ends_on": policy.ends_on.isoformat(), "users": len(users)})  # fmt: skip
            sent += 1
    return sent


def _prefixes(code: str) -> list[str]:
    from shian.core.regioncodes import prefixes

    return prefixes(code)
