"""Lab results (docs/sampling.md §3, §4): the lab file imported on the import engine (cell-level errors,
all-or-nothing), the same checks for one sample entered by hand, and what a conclusion sets off: the sample
reported, and for a failed one the disposal case, the notices and the entity's new risk grade.

Who imports: regulators of the station roles (and administrators) for samples in their jurisdiction, and a lab's
staff (`Lab.staff`) for samples sent to their lab; a sample outside both reads as unknown."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from shian.accounts.models import ADMIN_ROLES, Role
from shian.core import audit
from shian.core.audit import json_value
from shian.core.jurisdiction import region_under, require_in_scope, scope_prefix
from shian.imports import batches
from shian.imports.importer import Change, Importer, Written
from shian.imports.reading import Row
from shian.imports.specs import Choice, Column, ColumnType, TableSpec
from shian.imports.tasks import enqueue

from ..models import Disposal, Lab, LabResultBatch, LabResultRow, Sample, SampleResult
from . import disposal as disposal_services

RESULT_LENGTHS = [(key, SampleResult._meta.get_field(key).max_length) for key in ("item", "value", "limit")]
IMPORT_ROLES = ADMIN_ROLES | {Role.STATION_STAFF}
KIND = "lab_results"
VERDICTS = (
    Choice(SampleResult.Verdict.PASS.value, SampleResult.Verdict.PASS.label, ("符合", "合格品", "pass")),
    Choice(SampleResult.Verdict.FAIL.value, SampleResult.Verdict.FAIL.label, ("不符合", "不合格品", "fail")),
)

SPEC = TableSpec(
    kind=KIND,
    title=N_("检验结果"),
    columns=(
        Column("number", N_("样品编号"), ColumnType.ID, True, ("抽样单编号", "抽样编号"), width=22,
               example="CJ2026370725-00001"),
        Column("product", N_("样品名称"), width=16, example="酱油"),
        Column("item", N_("检验项目"), required=True, width=18, example="苯甲酸及其钠盐"),
        Column("value", N_("检测值"), required=True, aliases=("检验结果", "实测值"), width=12, example="0.12g/kg"),
        Column("limit", N_("标准值/限量"), aliases=("标准值", "限量", "标准限量", "标准要求", "限量值"), width=16,
               example="≤1.0g/kg", note=N_("每个检验项目都须填写")),
        Column("verdict", N_("单项判定"), ColumnType.ENUM, True, ("单项结论", "项目判定"), VERDICTS, width=10),
        Column("conclusion", N_("检验结论"), ColumnType.ENUM, True, ("结论", "样品结论"), VERDICTS, width=10,
               note=N_("同一样品各行相同")),
        Column("report_number", N_("报告编号"), ColumnType.ID, True, ("检验报告编号",), width=20,
               example="WF-2026-0001"),
        Column("report_date", N_("报告日期"), ColumnType.DATE, True, ("签发日期", "报告签发日期"), width=12,
               example="2026-12-01"),
    ),
    identity=("number", "item"),
)  # fmt: skip


def _require_importer(actor) -> None:
    if not (actor.is_superuser or actor.role in IMPORT_ROLES or _lab_ids(actor)):
        raise PermissionDenied(_("只有市场监管部门人员或承检机构检验人员可以录入检验结果。"))


def _lab_ids(actor) -> list[int]:
    return list(Lab.staff.through.objects.filter(user_id=actor.pk).values_list("lab_id", flat=True))


def reachable(actor):
    """Samples whose results the actor may record: a regulator's jurisdiction (station roles and administrators),
    or the samples sent to the actor's lab."""
    reach = Q(pk__in=[])
    if actor.is_superuser:
        reach = Q()
    elif actor.role in IMPORT_ROLES and scope_prefix(actor) is not None:
        reach |= region_under(Sample, "region", scope_prefix(actor))
    labs = _lab_ids(actor)
    if labs:
        reach |= Q(lab_id__in=labs)
    return Sample.objects.filter(reach)


def _day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment else None


def check_sample_result(sample: Sample, *, conclusion: str, verdicts: list[str], report_date) -> dict:
    """The sample-level rules shared by the import and the form: {field: message}."""
    errors = {}
    if sample.conclusion:
        errors["number"] = _("样品 %(n)s 已有检验结论（%(c)s），不能重复录入。") % {
            "n": sample.number, "c": sample.get_conclusion_display()}  # fmt: skip
    elif sample.status == Sample.Status.SAMPLED:
        errors["number"] = _("样品 %(n)s 尚未登记送检，不能录入检验结果。") % {"n": sample.number}
    if conclusion == Sample.Conclusion.PASS and SampleResult.Verdict.FAIL in verdicts:
        errors["conclusion"] = _("检验结论为“合格”，但有检验项目判定为“不合格”。")
    elif conclusion == Sample.Conclusion.FAIL and verdicts and SampleResult.Verdict.FAIL not in verdicts:
        errors["conclusion"] = _("检验结论为“不合格”，但所有检验项目都判定为“合格”。")
    if isinstance(report_date, datetime.date):
        if report_date < _day(sample.sampled_at):
            errors["report_date"] = _("报告日期早于抽样日期（%(d)s）。") % {"d": _day(sample.sampled_at)}
        elif sample.received_at and report_date < _day(sample.received_at):
            errors["report_date"] = _("报告日期早于检验机构接收样品日期（%(d)s）。") % {"d": _day(sample.received_at)}
        elif report_date > timezone.localdate():
            errors["report_date"] = _("报告日期不能晚于今天。")
    return errors


class LabResultImporter(Importer):
    """One row per tested item; all rows of a sample share its conclusion, report number and date."""

    spec = SPEC
    early_writes = False  # its apply concludes the samples after the results, over the whole file

    def prepare(self) -> None:
        rows = self.sheet.rows
        numbers = {r.get("number") for r in rows if r.get("number")}
        self.samples = {}
        qs = reachable(self.actor).only(
            "pk", "number", "status", "conclusion", "sampled_at", "received_at", "report_number", "report_date",
            "entity_id",
            "region_id", "product", "producer_region_id",
        )  # fmt: skip
        for chunk in _chunks(sorted(numbers)):
            self.samples.update({s.number: s for s in qs.filter(number__in=chunk)})
        reports = {r.get("report_number") for r in rows if r.get("report_number")}
        self.stored_reports = {}
        for chunk in _chunks(sorted(reports)):
            self.stored_reports.update(
                Sample.objects.filter(report_number__in=chunk).values_list("report_number", "number")
            )
        by_sample: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            if row.get("number"):
                by_sample[row.get("number")].append(row)
        report_of: dict[str, str] = {}  # report number -> first sample number using it
        self.first_row: dict[str, int] = {}
        for number, group in by_sample.items():
            self.first_row[number] = group[0].number
            sample = self.samples.get(number)
            if sample is None:
                for row in group:
                    self.error(
                        row, "number", "unknown", _("样品编号 %(n)s 不存在或不在您的权限范围内。") % {"n": number}
                    )
                continue
            self._check_group(sample, group, report_of)

    def _check_group(self, sample: Sample, group: list[Row], report_of: dict) -> None:
        first = group[0]
        items = {}
        for row in group:
            item = row.get("item")
            if item in items:
                self.error(row, "item", "duplicate", _("检验项目与第 %(row)d 行重复。") % {"row": items[item]})
            elif item:
                items[item] = row.number
            for key in ("conclusion", "report_number", "report_date"):
                if (
                    row.get(key) not in (None, "")
                    and first.get(key) not in (None, "")
                    and row.get(key) != first.get(key)
                ):
                    self.error(row, key, "mismatch", _("同一样品各行的%(h)s须一致（第 %(row)d 行为 %(v)s）。") % {
                        "h": self.sheet.header(key), "row": first.number, "v": first.get(key)})  # fmt: skip
        report = first.get("report_number")
        if report:
            if report in report_of:
                self.error(first, "report_number", "duplicate", _("报告编号 %(r)s 已用于本文件中的样品 %(n)s。") % {
                    "r": report, "n": report_of[report]})  # fmt: skip
            elif report in self.stored_reports and self.stored_reports[report] != sample.number:
                self.error(first, "report_number", "duplicate", _("报告编号 %(r)s 已登记在样品 %(n)s。") % {
                    "r": report, "n": self.stored_reports[report]})  # fmt: skip
            report_of.setdefault(report, sample.number)
        verdicts = [row.get("verdict") for row in group if row.get("verdict")]
        problems = check_sample_result(sample, conclusion=first.get("conclusion"), verdicts=verdicts,
                                       report_date=first.get("report_date"))  # fmt: skip
        for key, message in problems.items():
            code = {"number": "state", "conclusion": "contradiction", "report_date": "date"}[key]
            self.error(first, key, code, message)

    def check_row(self, row: Row) -> list[Change]:
        sample = self.samples.get(row.get("number"))
        if not row.get("limit"):
            self.error(row, "limit", "required", _("检验项目“%(i)s”缺少标准值/限量。") % {"i": row.get("item") or ""})
        for key, limit in RESULT_LENGTHS:
            if len(str(row.get(key) or "")) > limit:
                self.error(row, key, "length", _("不能超过 %(n)d 个字。") % {"n": limit})
        if sample is None or row.number in self.failed_rows:
            return []
        result = SampleResult(sample_id=sample.pk, item=row.get("item"), value=row.get("value"),
                              limit=row.get("limit"), verdict=row.get("verdict"))  # fmt: skip
        changes = [Change(row=row.number, instance=result, created=True)]
        if self.first_row.get(sample.number) == row.number:
            fields = {"conclusion": row.get("conclusion"), "report_number": row.get("report_number"),
                      "report_date": row.get("report_date"), "status": Sample.Status.REPORTED}  # fmt: skip
            sample._concluded_by = self.actor  # what `apply` sets off after the writes
            changes.append(Change(row=row.number, instance=sample, fields=fields))
        return changes

    @classmethod
    def apply(cls, changes, progress=lambda n: None):
        """The engine's bulk inserts of the results; the samples' conclusions in one prepared UPDATE run over
        all of them (Django's bulk_update builds a CASE per field and row, 20 times slower on 10,000 samples);
        then what the conclusions set off, in the same transaction."""
        concluded = [c for c in changes if isinstance(c.instance, Sample)]
        written = Importer.apply([c for c in changes if not isinstance(c.instance, Sample)], progress)
        written += _conclude(concluded)
        samples = [c.instance for c in concluded]
        if samples:
            after_conclusions(samples, actor=samples[0]._concluded_by)
        return written


CONCLUSION_FIELDS = ("conclusion", "report_number", "report_date", "status")


def _conclude(changes: list[Change]) -> list[Written]:
    """Set each sample's conclusion fields; return what was written with the values before (for rollback)."""
    if not changes:
        return []
    fields = [Sample._meta.get_field(name) for name in CONCLUSION_FIELDS]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(Sample._meta.db_table)} SET {sets} WHERE {quote(Sample._meta.pk.column)} = %s"
    written, params = [], []
    for change in changes:
        sample = change.instance
        before = {name: json_value(getattr(sample, name)) for name in CONCLUSION_FIELDS}
        written.append(Written(change.row, "updated", "sampling.sample", str(sample.pk), before))
        for name, value in change.fields.items():
            setattr(sample, name, value)
        params.append([f.get_db_prep_save(getattr(sample, f.attname), connection) for f in fields] + [sample.pk])
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return written


def _chunks(values, size=5000):
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _rollback_check(batch, rows) -> list[str]:
    ids = [r.object_id for r in rows if r.object_type == "sampling.sample"]
    if ids and Disposal.objects.filter(sample_id__in=ids).exists():
        return [_("本批次的不合格样品已启动核查处置")]
    return []


PIPELINE = batches.Pipeline(
    path="shian.sampling.services.results.PIPELINE",
    importers={KIND: LabResultImporter},
    batch_model=LabResultBatch,
    row_model=LabResultRow,
    audit_prefix="lab",
    rollback_check=_rollback_check,
)


# -- the batch ------------------------------------------------------------------------------------------------


def create_batch(*, actor, name: str, data: bytes, mode: str = LabResultBatch.Mode.COMMIT) -> LabResultBatch:
    """Store an uploaded lab file as a queued batch. Only validate-only and all-or-nothing: a sample's rows
    belong together."""
    _require_importer(actor)
    if mode not in (LabResultBatch.Mode.COMMIT, LabResultBatch.Mode.DRY_RUN):
        raise ValidationError({"mode": [_("检验结果只能全部正确后导入，或仅校验。")]})
    region = scope_prefix(actor) if actor.role in IMPORT_ROLES else None
    if region:
        require_in_scope(actor, region)
    return batches.create_batch(PIPELINE, actor=actor, kind=KIND, name=name, data=data, mode=mode,
                                region_id=region or None)  # fmt: skip


def start_import(*, actor, name: str, data: bytes, mode: str = LabResultBatch.Mode.COMMIT) -> LabResultBatch:
    """Queue an upload for the task worker; the page polls the batch for progress."""
    batch = create_batch(actor=actor, name=name, data=data, mode=mode)
    enqueue(PIPELINE, batch)
    return batch


def process_batch(batch: LabResultBatch) -> LabResultBatch:
    """Read, validate and (unless a dry run or refused) commit a batch in the foreground (CLI, API, tests)."""
    return batches.process_batch(PIPELINE, batch)


def failed_samples(batch: LabResultBatch) -> int:
    """Samples of a committed batch concluded 不合格."""
    if batch.status != LabResultBatch.Status.COMMITTED:
        return 0
    ids = batch.rows.filter(object_type="sampling.sample").values_list("object_id", flat=True)
    return Sample.objects.filter(pk__in=[int(i) for i in ids], conclusion=Sample.Conclusion.FAIL).count()


def batch_list(*, user):
    """Lab-file batches of the user's jurisdiction, and the user's own uploads (a lab's staff), newest first."""
    qs = LabResultBatch.objects.select_related("created_by")
    prefix = scope_prefix(user)
    if prefix != "":
        mine = Q(created_by=user)
        qs = qs.filter(mine if prefix is None else mine | region_under(LabResultBatch, "region", prefix))
    return qs.order_by("-created_at", "-pk")


def batch_get(*, user, pk: int) -> LabResultBatch:
    from django.http import Http404

    batch = batch_list(user=user).filter(pk=pk).first()
    if batch is None:
        raise Http404(_("未找到该记录，或不在您的管辖范围内。"))
    return batch


# -- one sample by hand -----------------------------------------------------------------------------------------


def record_results(*, actor, sample: Sample, items: list[dict], conclusion: str, report_number: str,
                   report_date) -> Sample:  # fmt: skip
    """Enter one sample's results by hand (the form and the API), with the import's checks. `items`:
    [{"item", "value", "limit", "verdict"}]; errors name the field, or the item row (items.N.field)."""
    _require_importer(actor)
    with transaction.atomic():
        sample = reachable(actor).select_for_update(of=("self",)).filter(pk=sample.pk).first()
        if sample is None:
            raise PermissionDenied(_("该样品不在您的权限范围内。"))
        errors: dict[str, list] = {}
        report_number = (report_number or "").strip().upper()
        if conclusion not in Sample.Conclusion.values:
            errors["conclusion"] = [_("请选择检验结论。")]
        if not report_number:
            errors["report_number"] = [_("请填写报告编号。")]
        elif Sample.objects.filter(report_number=report_number).exclude(pk=sample.pk).exists():
            errors["report_number"] = [_("报告编号 %(r)s 已登记在其他样品。") % {"r": report_number}]
        if not isinstance(report_date, datetime.date):
            errors["report_date"] = [_("请填写报告日期。")]
        rows, seen = [], set()
        for n, raw in enumerate(items, 1):
            values = {k: str(raw.get(k) or "").strip() for k in ("item", "value", "limit", "verdict")}
            if not any(values.values()):
                continue
            labels = {"item": _("检验项目"), "value": _("检测值"), "limit": _("标准值/限量")}
            for key, label in labels.items():
                limit = SampleResult._meta.get_field(key).max_length
                if not values[key]:
                    errors[f"items.{n}.{key}"] = [_("第 %(n)d 项：请填写%(f)s。") % {"n": n, "f": label}]
                elif len(values[key]) > limit:
                    errors[f"items.{n}.{key}"] = [_("第 %(n)d 项：%(f)s不能超过 %(l)d 个字。") % {
                        "n": n, "f": label, "l": limit}]  # fmt: skip
            if values["verdict"] not in SampleResult.Verdict.values:
                errors[f"items.{n}.verdict"] = [_("第 %(n)d 项：请选择单项判定。") % {"n": n}]
            if values["item"] in seen:
                errors[f"items.{n}.item"] = [_("第 %(n)d 项：检验项目重复。") % {"n": n}]
            seen.add(values["item"])
            rows.append(values)
        if not rows:
            errors["items"] = [_("请至少填写一个检验项目。")]
        problems = check_sample_result(sample, conclusion=conclusion, verdicts=[r["verdict"] for r in rows],
                                       report_date=report_date)  # fmt: skip
        for key, message in problems.items():
            errors.setdefault("sample" if key == "number" else key, []).append(message)
        if errors:
            raise ValidationError(errors)
        SampleResult.objects.bulk_create([SampleResult(sample=sample, **r) for r in rows])
        before = audit.snapshot(sample, ["status", "conclusion", "report_number", "report_date"])
        sample.conclusion, sample.report_number, sample.report_date = conclusion, report_number, report_date
        sample.status = Sample.Status.REPORTED
        sample.save(update_fields=["conclusion", "report_number", "report_date", "status"])
        audit.record(actor=actor, action="sample.result", obj=sample, region_code=sample.region_id, before=before,
                     after=audit.snapshot(sample, ["status", "conclusion", "report_number", "report_date"])
                     | {"items": len(rows)})  # fmt: skip
        after_conclusions([sample], actor=actor)
    return sample


# -- what a conclusion sets off ---------------------------------------------------------------------------------


def after_conclusions(samples: list[Sample], *, actor) -> list[Disposal]:
    """For each failed sample: a disposal case with its clocks, the entity and station told, a cross-region
    notice when the nominal producer is elsewhere; then the failed samples' entities are re-graded."""
    failed = [s.pk for s in samples if s.conclusion == Sample.Conclusion.FAIL]
    if not failed:
        return []
    full = list(Sample.objects.filter(pk__in=failed).select_related("entity").order_by("pk"))
    opened = disposal_services.open_disposals(full, actor=actor)
    from shian.inspections.services.grading import regrade_entities

    regrade_entities({s.entity_id for s in full}, trigger="sample", actor=actor)
    return opened
