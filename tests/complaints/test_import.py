"""Importing a 12315/12345 export (docs/complaints.md §2): every row routed to its station, duplicates linked,
the JSON contract of `import_complaints`, and all or nothing on a bad row."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from shian.complaints.models import Complaint
from shian.complaints.services import importing
from shian.complaints.testing import export_xlsx, platform_rows
from shian.core.models import AuditEntry

from .complaints_world import county_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _rows(county, n=6, **kw):
    entities = [{"name": e.name, "uscc": e.uscc, "address": e.address} for e in (county["shop"], county["inn"])]
    return platform_rows(n, entities=entities, seed=3, today=timezone.localdate(), unknown_share=0, **kw)


def _run(path, *args):
    from io import StringIO

    out = StringIO()
    try:
        call_command("import_complaints", str(path), "--json", *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(out.getvalue().strip().splitlines()[-1])


def test_each_row_reaches_the_station_of_its_entitys_township(county, tmp_path):
    rows = _rows(county, 8)
    path = tmp_path / "12315.xlsx"
    path.write_bytes(export_xlsx(rows))
    code, out = _run(path, "--actor", county["admin"].username)
    assert code == 0
    assert out["rows"] == out["created"] == 8 and out["errors"] == [] and out["unmatched"] == 0
    assert set(out) == {"rows", "created", "linked_duplicates", "routed", "unmatched", "errors"}
    for item in Complaint.objects.all():
        station = county["baodu"] if item.entity_id == county["shop"].pk else county["qiaoguan"]
        assert item.station_id == station.pk and item.match == "matched"
    expected = {}
    for item in Complaint.objects.all():
        expected[item.region_id] = expected.get(item.region_id, 0) + 1
    assert out["routed"] == expected and set(expected) <= {"370725001", "370725107"}
    assert AuditEntry.objects.filter(action="complaint.import").count() == 1


def test_an_unknown_shop_goes_to_the_county_desk_and_counts_as_unmatched(county, tmp_path):
    rows = _rows(county, 2)
    rows[0].update(entity_name="无名小吃摊", entity_uscc="", entity_address="某路边")
    path = tmp_path / "12315.xlsx"
    path.write_bytes(export_xlsx(rows))
    code, out = _run(path, "--actor", county["admin"].username)
    assert code == 0 and out["unmatched"] == 1
    desk = Complaint.objects.get(entity_name="无名小吃摊")
    assert desk.region_id == "370725" and desk.station_id is None and desk.entity_id is None


def test_a_name_written_differently_is_a_fuzzy_match_for_the_clerk_to_confirm(county, tmp_path):
    rows = _rows(county, 1)
    rows[0].update(entity_name="宝都鲜果超市", entity_uscc="", entity_address="昌乐县宝都街道宝都路1号")
    path = tmp_path / "12315.xlsx"
    path.write_bytes(export_xlsx(rows))
    code, _out = _run(path, "--actor", county["admin"].username)
    item = Complaint.objects.get()
    assert code == 0 and item.match == "fuzzy" and item.entity_id == county["shop"].pk
    assert item.station_id == county["baodu"].pk


def test_the_same_facts_about_the_same_entity_within_days_are_linked_not_counted_twice(county, tmp_path):
    rows = _rows(county, 2)
    rows[1].update(entity_name=rows[0]["entity_name"], entity_uscc=rows[0]["entity_uscc"],
                   entity_address=rows[0]["entity_address"], facts=rows[0]["facts"] + " ",
                   received_at=rows[0]["received_at"])  # fmt: skip
    path = tmp_path / "12315.xlsx"
    path.write_bytes(export_xlsx(rows))
    code, out = _run(path, "--actor", county["admin"].username)
    assert code == 0 and out["linked_duplicates"] == 1
    original, duplicate = Complaint.objects.order_by("source_number")
    assert duplicate.duplicate_of_id == original.pk and duplicate.status == "duplicate"
    assert duplicate.due_at is None and original.due_at is not None


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ({"phone": "1380536"}, "联系电话"),
        ({"id_number": "370725199013450012"}, "身份证号"),
        ({"received_at": timezone.localdate() + datetime.timedelta(days=2)}, "登记时间"),
        ({"category": "化妆品"}, "问题类别"),
    ],
)
def test_a_bad_row_stores_nothing_and_names_its_row_and_column(county, tmp_path, change, column):
    rows = _rows(county, 3)
    rows[1].update(change)
    path = tmp_path / "12315.xlsx"
    path.write_bytes(export_xlsx(rows))
    code, out = _run(path, "--actor", county["admin"].username)
    assert code == 1
    assert Complaint.objects.count() == 0 and out["created"] == 0
    assert [(e["row"], e["column"]) for e in out["errors"]] == [(4, column)]


def test_the_same_file_imported_twice_is_refused_the_second_time(county):
    data = export_xlsx(_rows(county, 3))
    importing.import_file(actor=county["admin"], data=data, filename="a.xlsx")
    with pytest.raises(importing.ImportRefused) as caught:
        importing.import_file(actor=county["admin"], data=data, filename="a.xlsx")
    assert {c["code"] for c in caught.value.cells} == {"exists"}
    assert Complaint.objects.count() == 3
