"""Chain events from Excel through the import engine (docs/trace.md §3): all or nothing, cell-level errors (forged
code, unknown business, over-handover replayed in time order, a missing pig certificate), confirmations of sales."""

import pytest
from django.test import Client

from shian.imports.reading import read_sheet
from shian.trace import codes
from shian.trace.models import ChainEvent
from shian.trace.services import catalog, importing


def _csv(rows) -> bytes:
    head = "追溯码,环节,交出方统一社会信用代码,接收方统一社会信用代码,数量,日期,附加信息\n"
    return (head + "\n".join(",".join(str(v) for v in r) for r in rows) + "\n").encode("utf-8")


def _code(w):
    return codes.sign(catalog.active_code(w.batch).token)


def test_a_good_file_is_written_with_confirmations(world):
    code = _code(world)
    data = _csv([
        (code, "销售给企业", world.producer.uscc, world.wholesaler.uscc, 60, "2026-11-02", ""),
        (code, "收货", world.producer.uscc, world.wholesaler.uscc, 60, "2026-11-02", ""),
        (code, "销售给企业", world.wholesaler.uscc, world.stall.uscc, 20, "2026-11-03", ""),
        (code, "零售", world.stall.uscc, "", 5, "2026-11-04", ""),
    ])  # fmt: skip
    outcome = importing.import_events(actor=world.county, data=data, filename="events.csv")
    assert (outcome.created, outcome.confirmations) == (4, 1)
    confirmation = ChainEvent.objects.get(kind="received")
    assert not confirmation.counted and confirmation.confirms.kind == "sold"


def _forged(code: str) -> str:
    """The code with its last character changed (a fixed replacement letter is the code itself when the random
    signature already ends in it)."""
    return code[:-1] + ("y" if code[-1].lower() == "x" else "x")


def test_a_bad_file_writes_nothing_and_names_each_cell(world):
    code = _code(world)
    before = ChainEvent.objects.count()
    data = _csv([
        (code, "销售给企业", world.producer.uscc, world.wholesaler.uscc, 90, "2026-11-02", ""),
        (code, "销售给企业", world.producer.uscc, world.stall.uscc, 20, "2026-11-03", ""),  # 10 left: over
        (_forged(code), "收货", world.producer.uscc, world.stall.uscc, 1, "2026-11-03", ""),
        (code, "收货", world.producer.uscc, "91370725MA3T009999", 1, "2026-11-03", ""),
    ])  # fmt: skip
    with pytest.raises(importing.ImportRefused) as exc:
        importing.import_events(actor=world.county, data=data, filename="bad.csv")
    cells = {(c["row"], c["code"]) for c in exc.value.cells}
    assert {(3, "over"), (4, "forged"), (5, "unknown")} <= cells
    assert any("此时持有该批次 10，不能交出 20" in m for m in exc.value.messages)
    assert ChainEvent.objects.count() == before
    report = read_sheet(exc.value.report, "report.xlsx", importing.EVENTS)
    assert len(report.rows) == 4


def test_an_enterprise_imports_only_its_own_side(world):
    data = _csv([(_code(world), "销售给企业", world.producer.uscc, world.wholesaler.uscc, 5, "2026-11-02", "")])
    with pytest.raises(importing.ImportRefused) as exc:
        importing.import_events(actor=world.wholesaler_user, data=data, filename="e.csv")
    assert exc.value.cells[0]["code"] == "scope"


def test_import_page(world):
    client = Client()
    client.force_login(world.producer_user)
    assert client.get("/trace/import/template.xlsx").status_code == 200
    data = _csv([(_code(world), "销售给企业", world.producer.uscc, world.wholesaler.uscc, 500, "2026-11-02", "")])
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post("/trace/import/", {"file": SimpleUploadedFile("e.csv", data)})
    assert r.status_code == 422 and "不能交出 500" in r.content.decode() and "base64," in r.content.decode()


def test_a_large_file_goes_in_bulk_and_later_entries_get_fresh_keys(world):
    """From `core.bulk.COPY_MIN_ROWS` rows on PostgreSQL copies: the reserved keys, the in-file confirmations and the
    attributes survive, and the next single entry is numbered after the file."""
    from shian.core.bulk import COPY_MIN_ROWS

    code = _code(world)
    pairs = 2 * (COPY_MIN_ROWS // 4 + 1)  # the goods go back and forth: the holder never runs short
    rows = []
    for giver, taker in [(world.producer, world.wholesaler), (world.wholesaler, world.producer)] * (pairs // 2):
        rows.append((code, "销售给企业", giver.uscc, taker.uscc, 1, "2026-11-02", ""))
        rows.append((code, "收货", giver.uscc, taker.uscc, 1, "2026-11-02", ""))
    before = set(ChainEvent.objects.values_list("pk", flat=True))
    outcome = importing.import_events(actor=world.county, data=_csv(rows), filename="big.csv")
    assert (outcome.created, outcome.confirmations) == (2 * pairs, pairs)
    written = ChainEvent.objects.exclude(pk__in=before)
    assert written.filter(kind="received", counted=False, confirms__kind="sold").count() == pairs
    assert written.filter(source="import", attributes={}).count() == 2 * pairs
    top = max(written.values_list("pk", flat=True))
    later = ChainEvent.objects.create(batch=world.batch, kind="retail_sold", from_entity=world.wholesaler,
                                      region_id=world.wholesaler.region_id, quantity=1, occurred_at=written[0].occurred_at)  # fmt: skip
    assert later.pk > top


def test_a_business_gone_before_the_write_is_refused_by_cell(world, monkeypatch):
    """The chain-event keys carry no database constraint (docs/performance.md): a business deleted between the
    file's checks and its write is still refused, by row and column, and nothing is written."""
    from shian.entities.models import Entity

    gone = Entity.objects.create(name="临时商户", region_id=world.stall.region_id, uscc="91370725MA3T00GONE",
                                 business_type="sales", address="临时地址")  # fmt: skip
    replay = importing._replay

    def replay_then_delete(sheet, good):
        errors = replay(sheet, good)
        Entity.objects.filter(pk=gone.pk).delete()
        return errors

    monkeypatch.setattr(importing, "_replay", replay_then_delete)
    before = ChainEvent.objects.count()
    data = _csv([
        (_code(world), "销售给企业", world.producer.uscc, world.wholesaler.uscc, 1, "2026-11-02", ""),
        (_code(world), "销售给企业", world.producer.uscc, gone.uscc, 1, "2026-11-02", ""),
    ])  # fmt: skip
    with pytest.raises(importing.ImportRefused) as exc:
        importing.import_events(actor=world.county, data=data, filename="gone.csv")
    assert exc.value.cells == [{"row": 3, "column": "接收方统一社会信用代码", "code": "unknown",
                                "message": "未找到该统一社会信用代码的经营单位"}]  # fmt: skip
    assert ChainEvent.objects.count() == before
