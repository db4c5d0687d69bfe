"""Lab result files (docs/sampling.md §3): imported on the import engine, one row per tested item, all or nothing
with a cell-level message for each bad input the issue lists; a failed conclusion opens the disposal case; the
command prints its JSON line last and exits non-zero on a refused file."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from shian.accounts.models import Role
from shian.core.models import AuditEntry, Notification
from shian.sampling.models import Disposal, LabResultBatch, Sample, SampleResult
from shian.sampling.services import results as services
from shian.sampling.testing import lab_rows, lab_xlsx, make_samples

from .results_setup import lab_world_fixture  # noqa: F401
from .samples_setup import station_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _import(actor, rows, mode=LabResultBatch.Mode.COMMIT):
    batch = services.create_batch(actor=actor, name="lab.xlsx", data=lab_xlsx(rows), mode=mode)
    return services.process_batch(batch)


def _messages(batch):
    return [(e["row"], e["column"], e["message"]) for e in batch.errors]


def _nothing_stored():
    return not SampleResult.objects.exists() and not Sample.objects.exclude(conclusion="").exists()


def test_a_good_file_stores_every_item_and_reports_each_sample(lab_world):
    rows = lab_rows(lab_world["samples"], items=3)
    batch = _import(lab_world["zhang"], rows)
    assert batch.status == LabResultBatch.Status.COMMITTED, batch.errors
    assert batch.counts["created"] == 9 and SampleResult.objects.count() == 9
    first = Sample.objects.get(pk=lab_world["samples"][0].pk)
    assert first.status == Sample.Status.REPORTED and first.conclusion == Sample.Conclusion.PASS
    assert first.report_number == f"R{first.number}" and first.report_date == timezone.localdate()
    assert not Disposal.objects.exists()
    assert AuditEntry.objects.filter(action="lab.import").count() == 1


def test_a_failed_sample_opens_its_disposal_with_both_clocks_and_tells_the_station_and_the_entity(lab_world, make_user):
    owner = make_user(Role.ENTERPRISE, "370725001001", entity=lab_world["shop"])
    batch = _import(lab_world["zhang"], lab_rows(lab_world["samples"], items=2, fail={1}))
    assert batch.status == LabResultBatch.Status.COMMITTED, batch.errors
    assert services.failed_samples(batch) == 1
    disposal = Disposal.objects.get()
    assert disposal.sample_id == lab_world["samples"][1].pk and disposal.status == Disposal.Status.OPEN
    assert disposal.due_rules["retest"]["code"] == "sampling.retest_apply"
    assert disposal.due_rules["disposal"]["code"] == "sampling.disposal"
    assert disposal.retest_due < disposal.due_at
    assert disposal.due_at - disposal.opened_at > datetime.timedelta(days=85)
    told = set(Notification.objects.filter(kind="sample.failed").values_list("user_id", flat=True))
    assert {owner.pk, lab_world["zhang"].pk, lab_world["li"].pk} <= told
    assert AuditEntry.objects.filter(action="disposal.open", object_id=str(disposal.pk)).exists()


def test_a_failed_sample_made_elsewhere_sends_a_notice_to_the_producers_region(lab_world):
    Sample.objects.filter(pk=lab_world["samples"][0].pk).update(producer_region_id="370304", producer_name="博山酱园")
    Sample.objects.filter(pk=lab_world["samples"][1].pk).update(producer_region_id="370725107")  # same county
    _import(lab_world["zhang"], lab_rows(lab_world["samples"], items=1, fail={0, 1}))
    notices = list(Sample.objects.get(pk=lab_world["samples"][0].pk).notices.all())
    assert [n.to_region_id for n in notices] == ["370304"]
    assert not Sample.objects.get(pk=lab_world["samples"][1].pk).notices.exists()


def test_a_failed_sample_regrades_its_entity(lab_world, monkeypatch):
    from shian.inspections.services import grading

    regraded = []
    monkeypatch.setattr(grading, "regrade_entities", lambda ids, **kw: regraded.append((set(ids), kw["trigger"])))
    _import(lab_world["zhang"], lab_rows(lab_world["samples"], items=1, fail={2}))
    assert regraded == [({lab_world["shop"].pk}, "sample")]


@pytest.mark.parametrize(
    ("change", "column", "words"),
    [
        (lambda rows: rows[0].update({"样品编号": "CJ-NOPE-1"}), "样品编号", "不存在"),
        (lambda rows: rows[0].update({"标准值/限量": ""}), "标准值/限量", "缺少标准值/限量"),
        (lambda rows: [r.update({"报告编号": "R-SAME"}) for r in rows], "报告编号", "已用于本文件"),
        (lambda rows: rows[0].update({"单项判定": "不合格"}), "检验结论", "有检验项目判定为“不合格”"),
        (lambda rows: [r.update({"检验结论": "不合格"}) for r in rows[:2]], "检验结论", "所有检验项目都判定为“合格”"),
        (lambda rows: [r.update({"报告日期": "2020-01-01"}) for r in rows[:2]], "报告日期", "早于抽样日期"),
        (lambda rows: rows[1].update({"检验项目": rows[0]["检验项目"]}), "检验项目", "重复"),
    ],
    ids=["unknown-sample", "no-limit", "duplicate-report-in-file", "pass-with-failed-item", "fail-all-passed",
         "date-before-sampling", "duplicate-item"],
)  # fmt: skip
def test_each_bad_input_is_a_cell_message_and_nothing_is_stored(lab_world, change, column, words):
    rows = lab_rows(lab_world["samples"], items=2)
    change(rows)
    batch = _import(lab_world["zhang"], rows)
    assert batch.status == LabResultBatch.Status.REJECTED
    assert any(col == column and words in message for _row, col, message in _messages(batch)), _messages(batch)
    assert _nothing_stored() and not Disposal.objects.exists()
    assert batch.report  # the upload with its bad cells marked


def test_a_report_date_before_the_labs_receipt_is_refused(lab_world):
    received = timezone.localtime(lab_world["samples"][0].received_at).date()
    rows = lab_rows(lab_world["samples"][:1], items=1, report_date=received - datetime.timedelta(days=1))
    batch = _import(lab_world["zhang"], rows)
    assert [(c, "接收" in m) for _r, c, m in _messages(batch)] == [("报告日期", True)]


def test_a_report_number_already_stored_on_another_sample_is_refused(lab_world):
    Sample.objects.filter(pk=lab_world["samples"][2].pk).update(report_number="RCJ2026370725-00001")
    batch = _import(lab_world["zhang"], lab_rows(lab_world["samples"][:1], items=1))
    assert any(c == "报告编号" and "CJ2026370725-00003" in m for _r, c, m in _messages(batch)), _messages(batch)
    assert _nothing_stored()


def test_a_sample_already_reported_cannot_be_imported_twice(lab_world):
    _import(lab_world["zhang"], lab_rows(lab_world["samples"], items=1))
    again = _import(lab_world["zhang"], lab_rows(lab_world["samples"], items=1, report_prefix="X"))
    assert again.status == LabResultBatch.Status.REJECTED
    assert all(c == "样品编号" and "已有检验结论" in m for _r, c, m in _messages(again))
    assert SampleResult.objects.count() == 3


def test_a_sample_outside_the_jurisdiction_reads_as_unknown(lab_world, make_user):
    outsider = make_user(Role.STATION_STAFF, "370304")
    batch = _import(outsider, lab_rows(lab_world["samples"][:1], items=1))
    assert [c for _r, c, _m in _messages(batch)] == ["样品编号"] and _nothing_stored()


def test_a_lab_account_imports_the_samples_sent_to_its_lab_only(lab_world, make_user):
    other_lab = type(lab_world["lab"]).objects.create(name="另一检验所", code="LAB-2", region_id="370725")
    elsewhere = make_samples(1, entity=lab_world["other"], lab=other_lab, created_by=lab_world["wang"], prefix="CJX")
    chemist = make_user(Role.STATION_STAFF, "370304", name="外县检验员")  # outside the county: only its lab counts
    lab_world["lab"].staff.add(chemist)
    ok = _import(chemist, lab_rows(lab_world["samples"][:1], items=1))
    assert ok.status == LabResultBatch.Status.COMMITTED, ok.errors
    refused = _import(chemist, lab_rows(elsewhere, items=1))
    assert refused.status == LabResultBatch.Status.REJECTED


def test_a_dry_run_checks_without_storing(lab_world):
    batch = _import(lab_world["zhang"], lab_rows(lab_world["samples"], items=1), mode=LabResultBatch.Mode.DRY_RUN)
    assert batch.status == LabResultBatch.Status.VALIDATED and _nothing_stored()


def test_skipping_bad_rows_is_not_offered_for_lab_files(lab_world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.create_batch(actor=lab_world["zhang"], name="a.xlsx", data=b"x", mode="skip_invalid")
    assert "mode" in exc.value.message_dict


def test_an_enterprise_account_may_not_import(lab_world, make_user):
    from django.core.exceptions import PermissionDenied

    owner = make_user(Role.ENTERPRISE, "370725001001", entity=lab_world["shop"])
    with pytest.raises(PermissionDenied):
        services.create_batch(actor=owner, name="a.xlsx", data=b"x")


# -- the command ------------------------------------------------------------------------------------------------


def _command(tmp_path, rows, actor):
    path = tmp_path / "lab.xlsx"
    path.write_bytes(lab_xlsx(rows))
    out = io.StringIO()
    code = 0
    try:
        call_command("import_lab_results", str(path), "--json", f"--actor={actor.username}", stdout=out)
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(out.getvalue().strip().splitlines()[-1])


def test_the_command_prints_rows_created_failed_samples_and_errors_last(lab_world, tmp_path):
    code, out = _command(tmp_path, lab_rows(lab_world["samples"], items=2, fail={0}), lab_world["zhang"])
    assert code == 0
    assert out == {"rows": 6, "created": 6, "failed_samples": 1, "errors": []}


def test_the_command_exits_non_zero_and_stores_nothing_on_a_bad_row(lab_world, tmp_path):
    rows = lab_rows(lab_world["samples"], items=2)
    rows[3]["标准值/限量"] = ""
    code, out = _command(tmp_path, rows, lab_world["zhang"])
    assert code == 1 and set(out) == {"rows", "created", "failed_samples", "errors"}
    assert out["errors"][0]["row"] == 5 and out["errors"][0]["column"] == "标准值/限量"
    assert _nothing_stored()
