"""Helpers for tests and benchmarks of lab results (docs/sampling.md §4): samples made in bulk at the lab, the
rows of a lab file for them, and that file as xlsx. Not used by the running site."""

from __future__ import annotations

import datetime
import io

import xlsxwriter
from django.utils import timezone

from shian.core.bulk import insert_many

from .models import Sample
from .services.results import SPEC

HEADERS = [column.header for column in SPEC.columns]
ITEMS = [("苯甲酸及其钠盐", "≤1.0g/kg"), ("山梨酸及其钾盐", "≤1.0g/kg"), ("铅（以Pb计）", "≤0.5mg/kg"),
         ("菌落总数", "≤10000CFU/g"), ("大肠菌群", "≤10CFU/g"), ("总砷", "≤0.5mg/kg")]  # fmt: skip


def make_samples(n: int, *, entity, lab, created_by, prefix: str = "CJT", received_days_ago: int = 10,
                 **fields) -> list[Sample]:  # fmt: skip
    """`n` samples at `entity`, sent to `lab` and received there, numbered prefix-00001..."""
    now = timezone.now()
    sampled = now - datetime.timedelta(days=received_days_ago + 1)
    received = now - datetime.timedelta(days=received_days_ago)
    values = {
        "entity": entity, "region_id": entity.region_id, "category": "condiment", "product": "酱油",
        "quantity": "6瓶", "lab": lab, "sampled_at": sampled, "sent_at": sampled, "received_at": received,
        "to_lab_due": sampled + datetime.timedelta(days=5), "report_due": received + datetime.timedelta(days=28),
        "status": Sample.Status.RECEIVED, "created_by": created_by,
    }  # fmt: skip
    values.update(fields)
    samples = [Sample(number=f"{prefix}-{i:05d}", **values) for i in range(1, n + 1)]
    insert_many(Sample, samples)
    return samples


def lab_rows(samples, *, items: int = 5, fail: set[int] = frozenset(), report_date=None, report_prefix: str = "R"):
    """One row per tested item of each sample (header -> value); the samples at positions in `fail` fail their
    first item and their conclusion."""
    report_date = report_date or timezone.localdate()
    rows = []
    for n, sample in enumerate(samples):
        failed = n in fail
        for k in range(items):
            item, limit = ITEMS[k % len(ITEMS)]
            bad = failed and k == 0
            rows.append({
                "样品编号": sample.number, "样品名称": sample.product, "检验项目": item if k < len(ITEMS) else f"{item}{k}",
                "检测值": "1.8g/kg" if bad else "0.12", "标准值/限量": limit, "单项判定": "不合格" if bad else "合格",
                "检验结论": "不合格" if failed else "合格", "报告编号": f"{report_prefix}{sample.number}",
                "报告日期": report_date.isoformat(),
            })  # fmt: skip
    return rows


def lab_xlsx(rows: list[dict], headers: list[str] | None = None) -> bytes:
    """The rows as a one-sheet xlsx with the template's headers."""
    headers = headers or HEADERS
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": True})
    sheet = workbook.add_worksheet("检验结果")
    sheet.write_row(0, 0, headers)
    for r, row in enumerate(rows, 1):
        sheet.write_row(r, 0, [row.get(h, "") for h in headers])
    workbook.close()
    return out.getvalue()
