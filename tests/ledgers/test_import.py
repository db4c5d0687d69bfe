"""Ledger imports end to end: validate, commit all-or-nothing or skip bad rows, re-import, round trip, roll back."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from shian.accounts.models import Role
from shian.baobao.models import Cadre
from shian.core.models import AuditEntry
from shian.demo.entities import load_county_entities
from shian.entities import services as entity_services
from shian.entities.models import Entity, License
from shian.entities.validators import make_resident_id, make_uscc
from shian.ledgers import services
from shian.ledgers.models import ImportBatch, ImportRow
from shian.regions.models import Region

HEADER = "主体名称,统一社会信用代码,业态,细分类型,经营地址,区划代码,证照类型,许可证编号,发证日期,有效期至"


def uscc(n: int) -> str:
    return make_uscc(region="370725", org_base=f"MA{n:06d}")


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode("gbk")


def good_row(n: int, region: str = "370725001001") -> str:
    return f"测试饭店{n},{uscc(n)},餐饮服务,小型餐馆,昌乐县站前路{n}号,{region},食品经营许可证,JY2370725{n:06d}1,2024-01-0{n % 9 + 1},2029-01-01"


@pytest.fixture
def admin(make_user):
    return make_user(Role.COUNTY_ADMIN, "370725")


def run(admin, data: bytes, mode="commit", kind="entities", name="主体台账.csv") -> ImportBatch:
    batch = services.create_batch(actor=admin, kind=kind, name=name, data=data, mode=mode)
    return services.process_batch(batch)


def test_clean_file_commits_and_reimport_changes_nothing(admin):
    data = csv_bytes(good_row(1), good_row(2), good_row(3))
    batch = run(admin, data)
    assert batch.status == "committed" and batch.counts["created"] == 3 and batch.errors == []
    assert Entity.objects.count() == 3 and License.objects.count() == 3
    assert AuditEntry.objects.filter(action="ledger.import", object_id=str(batch.pk)).count() == 1
    assert ImportRow.objects.filter(batch=batch, action="created").count() == 3  # a new licence goes with its entity
    again = run(admin, data)
    assert (again.counts["created"], again.counts["updated"], again.counts["unchanged"]) == (0, 0, 3)
    assert Entity.objects.count() == 3


def test_one_bad_row_blocks_the_file_unless_skipping(admin):
    bad_uscc = uscc(2)[:-1] + ("0" if uscc(2)[-1] != "0" else "1")
    data = csv_bytes(good_row(1), good_row(2).replace(uscc(2), bad_uscc), good_row(3, region="370304001"))
    batch = run(admin, data)
    assert batch.status == "rejected" and Entity.objects.count() == 0  # nothing half-written
    errors = {(e["row"], e["column"], e["code"]) for e in batch.errors}
    assert (3, "统一社会信用代码", "checksum") in errors  # spreadsheet row 3 = second data row
    assert (4, "区划代码", "region") in errors  # outside the importer's county
    assert batch.report  # the annotated copy
    assert "错误清单" in CalamineWorkbook.from_filelike(io.BytesIO(batch.report.read())).sheet_names
    skipped = run(admin, data, mode="skip_invalid")
    assert skipped.status == "committed" and skipped.counts["created"] == 1 and skipped.counts["skipped"] == 2
    assert list(Entity.objects.values_list("name", flat=True)) == ["测试饭店1"]


def test_dry_run_reports_without_writing(admin):
    batch = run(admin, csv_bytes(good_row(1)), mode="dry_run")
    assert batch.status == "validated" and batch.counts["created"] == 1 and not Entity.objects.exists()


def test_update_then_rollback_restores_and_later_edits_block_it(admin):
    run(admin, csv_bytes(good_row(1), good_row(2)))
    changed = csv_bytes(good_row(1).replace("站前路1号", "新华路8号"), good_row(2), good_row(4))
    batch = run(admin, changed)
    assert (batch.counts["created"], batch.counts["updated"], batch.counts["unchanged"]) == (1, 1, 1)
    assert Entity.objects.get(name="测试饭店1").address == "昌乐县新华路8号"
    services.rollback_batch(actor=admin, batch=batch)
    assert Entity.objects.get(name="测试饭店1").address == "昌乐县站前路1号"
    assert not Entity.objects.filter(name="测试饭店4").exists()
    batch.refresh_from_db()
    assert batch.status == "rolled_back"
    # a batch whose records were edited afterwards cannot be undone
    third = run(admin, changed)
    entity = Entity.objects.get(name="测试饭店4")
    entity_services.update_entity(actor=admin, entity=entity, name="测试饭店四")
    with pytest.raises(Exception, match="无法撤销"):
        services.rollback_batch(actor=admin, batch=third)
    assert Entity.objects.filter(name="测试饭店四").exists()


def test_export_then_import_changes_nothing(admin, tmp_path):
    region = Region.objects.get(code="370725")
    load_county_entities(county=region, seed=5, count=200, today=datetime.date(2026, 11, 25), flaws=True)
    out = tmp_path / "export.xlsx"
    call_command("export_ledger", "--kind", "entities", "--region", "370725", "--actor", admin.username, str(out))
    before = list(Entity.objects.order_by("pk").values())
    batch = run(admin, out.read_bytes(), name="export.xlsx")
    assert batch.errors == [] and batch.counts["created"] == batch.counts["updated"] == 0
    assert list(Entity.objects.order_by("pk").values()) == before


def test_cadre_ledger_checks_id_and_level(admin):
    good = make_resident_id(region="370725", birth=datetime.date(1980, 5, 1), seq=12)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    text = "\n".join(
        [
            "姓名,身份证号,联系电话,包保层级,职务,区划代码",
            f"王村官,{good},13805361234,村级,村支书,370725001001",
            f"李乡长,{bad},13805361235,乡级,副镇长,370725001",
            f"赵错位,{make_resident_id(region='370725', birth=datetime.date(1975, 1, 2), seq=3)},,乡级,副镇长,370725001001",
        ]
    )
    batch = run(admin, text.encode(), kind="cadres", name="干部.csv")
    codes = {(e["row"], e["column"]) for e in batch.errors}
    assert codes == {(3, "身份证号"), (4, "区划代码")} and batch.status == "rejected"
    batch = run(admin, text.encode(), kind="cadres", name="干部.csv", mode="skip_invalid")
    assert list(Cadre.objects.values_list("name", "level")) == [("王村官", "village")]


def test_cli_json_and_exit_codes(admin, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(good_row(1)))
    call_command("import_ledger", "--kind", "entities", str(good), "--actor", admin.username, "--json")
    out = json.loads(capsys.readouterr().out)
    assert out == {"rows": 1, "created": 1, "updated": 0, "unchanged": 0, "errors": []}
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(good_row(2, region="999999999")))
    report = tmp_path / "report.xlsx"
    with pytest.raises(SystemExit) as exit_1:
        call_command(
            "import_ledger",
            "--kind",
            "entities",
            str(bad),
            "--actor",
            admin.username,
            "--json",
            "--report",
            str(report),
        )
    assert exit_1.value.code == 1 and report.exists()
    error = json.loads(capsys.readouterr().out)["errors"][0]
    assert (error["row"], error["column"], error["code"]) == (2, "区划代码", "region")
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(SystemExit) as exit_2:
        call_command("import_ledger", "--kind", "entities", str(junk), "--actor", admin.username, "--json")
    assert exit_2.value.code == 2 and Entity.objects.count() == 1


def test_upload_page_and_api_run_in_the_background_and_are_scoped(admin, make_user, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(admin)
    upload = io.BytesIO(csv_bytes(good_row(1)))
    upload.name = "主体台账.csv"
    with django_capture_on_commit_callbacks(execute=True) as queued:  # the task is enqueued once the upload is saved
        response = client.post("/ledgers/", {"kind": "entities", "mode": "commit", "file": upload})
    assert len(queued) == 1
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ledgers/{batch.pk}/"
    page = client.get(f"/ledgers/{batch.pk}/")
    assert page.context["batch"].status == "committed" and 'data-testid="created"' in page.content.decode()
    assert client.get("/ledgers/templates/cadres.xlsx").status_code == 200
    api = client.get(f"/api/v1/ledgers/imports/{batch.pk}").json()
    assert api["status"] == "committed" and api["counts"]["created"] == 1
    other = Client()
    other.force_login(make_user(Role.COUNTY_ADMIN, "370304"))
    assert other.get(f"/ledgers/{batch.pk}/").status_code == 404
    assert other.get(f"/api/v1/ledgers/imports/{batch.pk}").status_code == 404
    grid = Client()
    grid.force_login(make_user(Role.GRID_WORKER, "370725001001"))
    assert grid.get("/ledgers/").status_code == 403


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cuts=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 9), st.text(max_size=12)), min_size=1, max_size=6),
    truncate=st.one_of(st.none(), st.integers(1, 400)),
)
def test_corrupted_files_never_fail_badly_or_write_half(admin, cuts, truncate):
    """Random cell values and truncated bytes: the batch ends committed in full or rejected with nothing
    written, never with an exception and never with some of the rows."""
    rows = [good_row(n).split(",") for n in (11, 12, 13)]
    for row, column, text in cuts:
        rows[row][column] = text.replace(",", "").replace("\n", "").replace("\r", "").replace('"', "")
    data = ("\n".join([HEADER, *[",".join(r) for r in rows]]) + "\n").encode("utf-8")
    if truncate:
        data = data[:truncate]
    before = Entity.objects.count()
    with transaction.atomic():
        batch = services.process_batch(services.create_batch(actor=admin, kind="entities", name="f.csv", data=data))
        written = Entity.objects.count() - before
        assert batch.status in ("committed", "rejected", "failed")
        if batch.status == "committed":
            assert written == batch.counts["created"] and batch.counts["errors"] == 0
        else:
            assert written == 0
        transaction.set_rollback(True)


def test_a_crash_in_the_task_worker_fails_the_batch_with_a_message_and_writes_nothing(admin, monkeypatch):
    from shian.imports.tasks import run_batch
    from shian.ledgers.pipeline import PIPELINE

    batch = services.create_batch(actor=admin, kind="entities", name="主体台账.csv",
                                  data=csv_bytes(good_row(1), good_row(2)))  # fmt: skip

    def crash(changes):
        raise RuntimeError("disk full")

    monkeypatch.setattr(PIPELINE.importers["entities"], "apply", staticmethod(crash))
    with pytest.raises(RuntimeError):
        run_batch.call(PIPELINE.path, batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and batch.finished_at is not None
    assert "内部错误" in batch.message  # the polling page stops and says so
    assert Entity.objects.count() == 0


def test_ledger_grade_stands_until_graded_then_becomes_an_adjustment_naming_the_file(admin):
    """docs/baobao.md: the 包保等级 a ledger declares is an ungraded entity's grade; once graded, a file that
    says otherwise adjusts the grade (an override naming the file), which a rollback undoes."""
    from shian.baobao.models import EntityGrade
    from shian.baobao.services import grade_entities
    from shian.entities.selectors import baobao_grades

    header = HEADER + ",包保等级"
    data = ("\n".join([header, good_row(1) + ",B", good_row(2) + ",D"]) + "\n").encode()
    run(admin, data, name="一月台账.csv")
    ids = dict(Entity.objects.values_list("name", "pk"))
    first, second = ids["测试饭店1"], ids["测试饭店2"]
    assert baobao_grades([first, second]) == {first: "B", second: "D"}
    assert not EntityGrade.objects.exists()  # declared, not graded
    grade_entities(actor=admin, region_code="370725")
    computed = EntityGrade.objects.get(entity_id=first).computed_grade
    assert computed == "D" and baobao_grades([first]) == {first: "D"}  # the grading replaces the declared grade
    again = run(admin, data, name="二月台账.csv")
    assert (again.counts["updated"], again.counts["unchanged"]) == (1, 1)  # row 2 already says D
    adjusted = EntityGrade.objects.get(entity_id=first)
    assert (adjusted.grade, adjusted.override_grade, adjusted.computed_grade) == ("B", "B", "D")
    assert "二月台账.csv" in adjusted.override_reason and adjusted.overridden_by_id == admin.pk
    grade_entities(actor=admin, region_code="370725")
    assert baobao_grades([first]) == {first: "B"}  # the adjustment stands through later gradings
    assert run(admin, data, name="三月台账.csv").counts["unchanged"] == 2
    services.rollback_batch(actor=admin, batch=again)
    restored = EntityGrade.objects.get(entity_id=first)
    assert (restored.grade, restored.override_grade, restored.override_reason) == ("D", "", "")


@pytest.fixture
def early_every_two_rows(monkeypatch):
    """An all-or-nothing commit writes checked rows while it checks the next ones (on SQLite): every 2 rows here
    instead of every 2,000, and progress every row."""
    from shian.imports import batches, importer

    monkeypatch.setattr(importer, "EARLY_ROWS", 2)
    monkeypatch.setattr(batches, "PROGRESS_EVERY", 1)


def test_rows_written_early_are_the_rows_of_the_file_and_roll_back_as_one(admin, early_every_two_rows):
    batch = run(admin, csv_bytes(*(good_row(n) for n in range(1, 8))))
    assert batch.status == "committed" and batch.counts["created"] == 7
    entities = list(Entity.objects.order_by("pk"))
    assert [e.name for e in entities] == [f"测试饭店{n}" for n in range(1, 8)]  # keys in row order
    licenses = {lic.number: lic.entity_id for lic in License.objects.all()}
    assert licenses == {f"JY2370725{n:06d}1": e.pk for n, e in zip(range(1, 8), entities, strict=True)}
    outcomes = ImportRow.objects.filter(batch=batch).order_by("row").values_list("row", "object_id")
    assert list(outcomes) == [(n + 1, str(e.pk)) for n, e in zip(range(1, 8), entities, strict=True)]
    services.rollback_batch(actor=admin, batch=batch)
    assert not Entity.objects.exists() and not License.objects.exists()


def test_an_error_after_rows_were_written_early_leaves_nothing_behind(admin, early_every_two_rows):
    rows = [good_row(n) for n in range(1, 8)] + [good_row(8, region="370304001")]  # the last row: another county
    batch = run(admin, csv_bytes(*rows))
    assert batch.status == "rejected" and batch.counts["errors"] == 1 and batch.report
    assert not Entity.objects.exists() and not License.objects.exists()
    assert not ImportRow.objects.exists()
    skipped = run(admin, csv_bytes(*rows), mode="skip_invalid")  # written after the checks, the bad row left out
    assert skipped.status == "committed" and skipped.counts["created"] == 7 and skipped.counts["skipped"] == 1
    assert Entity.objects.count() == 7


def test_progress_shows_while_early_writes_hold_the_transaction_open(admin, early_every_two_rows, monkeypatch):
    """The batch row's updates stay unseen inside the open transaction: the page reads the progress cache."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("only SQLite writes early")
    from shian.imports.batches import live_progress
    from shian.ledgers.importers.entities import EntityImporter

    batch = services.create_batch(actor=admin, kind="entities", name="主体台账.csv",
                                  data=csv_bytes(*(good_row(n) for n in range(1, 8))))  # fmt: skip
    seen = []
    check_row = EntityImporter.check_row

    def watched(importer, row):
        stored = ImportBatch.objects.get(pk=batch.pk)
        seen.append((stored.rows_done, live_progress(stored).rows_done))
        return check_row(importer, row)

    monkeypatch.setattr(EntityImporter, "check_row", watched)
    assert services.process_batch(batch).status == "committed"
    assert [live for _stored, live in seen] == list(range(1, 8))  # the row being checked, each time
    assert seen[-1][0] == 2  # the batch row stopped at the first early write (after row 2)
