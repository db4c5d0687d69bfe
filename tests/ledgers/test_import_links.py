"""The two ledgers that link registers (docs/domain.md §4.6): 包保关系台账 and 食品安全管理人员台账 must name registered
entities and cadres, and keep the 包保 rules, with errors naming the spreadsheet row and column."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shian.accounts.models import Role
from shian.baobao.models import AssignmentRun, Cadre, Guarantee
from shian.entities.models import Entity, KeyPerson, License
from shian.entities.validators import make_resident_id, make_uscc
from shian.ledgers import services
from shian.ledgers.importers import IMPORTERS
from shian.ledgers.models import ImportBatch
from shian.ledgers.reading import read_ledger

ASSIGNMENT_HEADER = (
    "统一社会信用代码,许可证编号,主体名称,包保干部身份证号,包保干部姓名,包保等级,监管保障人员身份证号,监管保障人员"
)
PERSONNEL_HEADER = "统一社会信用代码,许可证编号,主体名称,人员类别,姓名,证件类型,身份证号,联系电话,年度培训学时"
VILLAGE, TOWNSHIP = "370725001001", "370725001"
SINCE = datetime.date(2026, 1, 1)


def uscc(n: int) -> str:
    return make_uscc(region="370725", org_base=f"MB{n:06d}")


def person_id(n: int) -> str:
    return make_resident_id(region="370725", birth=datetime.date(1960 + n, 3, 1), seq=n)


def bad_checksum(id_number: str) -> str:
    return id_number[:-1] + ("0" if id_number[-1] != "0" else "1")


@pytest.fixture
def admin(make_user):
    return make_user(Role.COUNTY_ADMIN, "370725")


@pytest.fixture
def world(regions):
    """D-grade entities d[1..10] in 站前社区, a C-grade one, one known only by its stall card, one in 乔官村 and one
    in 博山区 (outside the county); village, township, left, regulator and limited cadres."""

    def entity(name, n, region=VILLAGE, grade="D", **fields):
        return Entity.objects.create(
            name=name,
            uscc=uscc(n) if n else "",
            region_id=region,
            business_type="catering",
            address=f"{name}地址",
            declared_grade=grade,
            **fields,
        )

    def cadre(name, n, level, region, **fields):
        return Cadre.objects.create(name=name, id_number=person_id(n), level=level, region_id=region, **fields)

    w = {"d": {n: entity(f"站前饭店{n}", n) for n in range(1, 11)}}
    w["both"] = entity("宝都超市", 20)
    License.objects.create(entity=w["both"], kind="JY", number="JY23707250000201")
    w["c"] = entity("宏达食品", 21, grade="C")
    w["stall"] = entity("老王烧烤摊", None)
    License.objects.create(entity=w["stall"], kind="stall", number="SX3707250004")
    w["qiaoguan"] = entity("乔官饭店", 22, region="370725107201")
    w["outside"] = entity("博山饭店", 23, region="370304001")
    w["v1"] = cadre("张建国", 1, "village", VILLAGE)
    w["v2"] = cadre("刘小村", 2, "village", VILLAGE, capacity=1)
    w["t1"] = cadre("李卫东", 3, "township", TOWNSHIP)
    w["q1"] = cadre("孙乔官", 4, "village", "370725107201")
    w["gone"] = cadre("赵离岗", 5, "village", VILLAGE, status="left")
    w["reg"] = cadre("王保障", 6, "township", TOWNSHIP, is_regulator=True)
    return w


def run(admin, lines, *, kind="assignments", mode="commit", name="包保关系台账.csv") -> ImportBatch:
    header = ASSIGNMENT_HEADER if kind == "assignments" else PERSONNEL_HEADER
    data = ("\n".join([header, *lines]) + "\n").encode("gbk")
    return services.process_batch(services.create_batch(actor=admin, kind=kind, name=name, data=data, mode=mode))


def import_file(admin, kind, path) -> ImportBatch:
    return services.process_batch(services.create_batch(actor=admin, kind=kind, name=path.name, data=path.read_bytes()))


def arow(entity, cadre, grade=None, supporter=None, *, by_license=False, name=None, id_number=None) -> str:
    key = f",{entity.licenses.get().number}" if by_license else f"{entity.uscc},"
    support = f"{supporter.id_number},{supporter.name}" if supporter else ","
    cadre_id = id_number or cadre.id_number
    return f"{key},{name or entity.name},{cadre_id},{cadre.name},{grade or entity.declared_grade},{support}"


def found(batch) -> set[tuple]:
    return {(e["row"], e["column"], e["code"]) for e in batch.errors}


def guarantees() -> dict:
    return {g.entity_id: (g.cadre_id, g.supporter_id, g.since, g.run_id) for g in Guarantee.objects.all()}


# ---------------------------------------------------------------------------------------------- assignments


def test_assignments_commit_in_one_run_and_reimport_changes_nothing(admin, world):
    w = world
    lines = [
        arow(w["d"][1], w["v1"], supporter=w["reg"]),
        arow(w["d"][2], w["v1"]),
        arow(w["c"], w["t1"], supporter=w["reg"]),
        arow(w["stall"], w["v2"], by_license=True),
        arow(w["qiaoguan"], w["q1"]),
    ]
    batch = run(admin, lines)
    assert batch.status == "committed" and batch.errors == []
    assert (batch.counts["created"], batch.counts["updated"], batch.counts["unchanged"]) == (5, 0, 0)
    new_run = AssignmentRun.objects.get()
    assert (new_run.status, new_run.region_id, new_run.created_by) == ("published", "370725", admin)
    assert new_run.params == {"source": "ledger", "batch": "包保关系台账.csv"}
    today = timezone.localdate()
    assert guarantees() == {
        w["d"][1].pk: (w["v1"].pk, w["reg"].pk, today, new_run.pk),
        w["d"][2].pk: (w["v1"].pk, None, today, new_run.pk),
        w["c"].pk: (w["t1"].pk, w["reg"].pk, today, new_run.pk),
        w["stall"].pk: (w["v2"].pk, None, today, new_run.pk),
        w["qiaoguan"].pk: (w["q1"].pk, None, today, new_run.pk),
    }
    again = run(admin, lines)
    assert (again.counts["created"], again.counts["updated"], again.counts["unchanged"]) == (0, 0, 5)
    assert AssignmentRun.objects.count() == 1  # a file that changes nothing makes no run


def test_assignment_rules_name_row_and_column_and_block_the_file(admin, world):
    w, d = world, world["d"]
    stranger = make_resident_id(region="370725", birth=datetime.date(1990, 6, 1), seq=99)
    lines = [
        arow(d[1], w["v1"]),  # 2 good
        f"{uscc(50)},,无此饭店,{w['v1'].id_number},张建国,D,,",  # 3 not in the registry
        arow(w["outside"], w["v1"]),  # 4 registered, but in 博山区
        arow(d[2], w["v1"], name="站前饭店二号"),  # 5 name differs from the registry
        arow(d[3], w["v1"], id_number=stranger),  # 6 no such cadre
        arow(d[4], w["gone"]),  # 7 the cadre left
        arow(d[5], w["v1"], grade="C"),  # 8 the registry grades it D
        arow(d[6], w["t1"]),  # 9 a D-grade entity goes to a village cadre
        arow(w["qiaoguan"], w["v1"]),  # 10 乔官村 is not in 站前社区
        arow(d[7], w["v2"]),  # 11 fills 刘小村's one place
        arow(d[8], w["v2"]),  # 12 one too many
        arow(d[9], w["v1"], supporter=w["t1"]),  # 13 the supporter is no regulator
        arow(d[10], w["v1"], id_number=bad_checksum(w["v1"].id_number)),  # 14
        arow(d[1], w["v1"]),  # 15 the same entity as row 2
        arow(w["both"], w["v1"]),  # 16 good, by USCC
        arow(w["both"], w["v1"], by_license=True),  # 17 the same entity, by licence
    ]
    batch = run(admin, lines)
    assert batch.status == "rejected"
    assert found(batch) == {
        (3, "统一社会信用代码", "reference"),
        (4, "统一社会信用代码", "reference"),
        (5, "主体名称", "mismatch"),
        (6, "包保干部身份证号", "reference"),
        (7, "包保干部身份证号", "reference"),
        (8, "包保等级", "mismatch"),
        (9, "包保干部身份证号", "level"),
        (10, "包保干部身份证号", "region"),
        (12, "包保干部身份证号", "capacity"),
        (13, "监管保障人员身份证号", "reference"),
        (14, "包保干部身份证号", "format"),
        (15, "统一社会信用代码", "duplicate"),
        (17, "许可证编号", "duplicate"),
    }
    messages = {e["row"]: e["message"] for e in batch.errors}
    assert messages[4] == messages[3]  # an entity outside the jurisdiction reads as unknown
    assert "名称与主体台账不一致" in messages[5] and "站前饭店2" in messages[5]
    assert "赵离岗 已离岗" in messages[7]
    assert "主体台账为 D 级" in messages[8]
    assert "D 级主体应由村级干部包保，该干部为乡级" in messages[9]
    assert "370725107201" in messages[10] and VILLAGE in messages[10]
    assert "最多包保 1 户，本行为第 2 户" in messages[12]
    assert "不是监管人员" in messages[13]
    assert "校验码" in messages[14]
    assert "与第 2 行重复" in messages[15] and "与第 16 行是同一主体" in messages[17]
    assert not Guarantee.objects.exists() and not AssignmentRun.objects.exists()  # nothing half-written

    skipped = run(admin, lines, mode="skip_invalid")
    assert skipped.status == "committed" and skipped.counts["created"] == 3 and skipped.counts["skipped"] == 13
    assert {e: g[0] for e, g in guarantees().items()} == {
        d[1].pk: w["v1"].pk,
        d[7].pk: w["v2"].pk,
        w["both"].pk: w["v1"].pk,
    }


def test_restated_entities_count_once_toward_the_workload(admin, world):
    """刘小村 (limit 1) holds d1; a file moving d1 to 张建国 and giving 刘小村 d2 stays within the limit."""
    w, d = world, world["d"]
    before = AssignmentRun.objects.create(region_id="370725", status="published")
    Guarantee.objects.create(entity=d[1], cadre=w["v2"], run=before, since=SINCE)
    batch = run(admin, [arow(d[2], w["v2"]), arow(d[1], w["v1"])])
    assert batch.status == "committed", batch.errors
    assert {e: g[0] for e, g in guarantees().items()} == {d[1].pk: w["v1"].pk, d[2].pk: w["v2"].pk}
    over = run(admin, [arow(d[3], w["v2"])])
    assert found(over) == {(2, "包保干部身份证号", "capacity")}


def test_assignment_rollback_restores_the_previous_guarantees(admin, world):
    w, d = world, world["d"]
    before = AssignmentRun.objects.create(region_id="370725", status="published")
    Guarantee.objects.create(entity=d[1], cadre=w["v1"], supporter=w["reg"], run=before, since=SINCE)
    Guarantee.objects.create(entity=d[2], cadre=w["v1"], run=before, since=SINCE)
    previous = guarantees()
    batch = run(
        admin,
        [
            arow(d[1], w["v2"], supporter=w["reg"]),  # another cadre: starts today
            arow(d[2], w["v1"], supporter=w["reg"]),  # a supporter added: the cadre's start date stays
            arow(d[3], w["v1"]),  # new
        ],
    )
    assert (batch.counts["created"], batch.counts["updated"], batch.counts["unchanged"]) == (1, 2, 0)
    new_run = AssignmentRun.objects.exclude(pk=before.pk).get()
    today = timezone.localdate()
    assert guarantees() == {
        d[1].pk: (w["v2"].pk, w["reg"].pk, today, new_run.pk),
        d[2].pk: (w["v1"].pk, w["reg"].pk, SINCE, new_run.pk),
        d[3].pk: (w["v1"].pk, None, today, new_run.pk),
    }
    services.rollback_batch(actor=admin, batch=batch)
    assert guarantees() == previous
    assert list(AssignmentRun.objects.all()) == [before]  # the import's run goes with it
    batch.refresh_from_db()
    assert batch.status == "rolled_back"


def test_assignments_export_then_import_changes_nothing(admin, world, tmp_path):
    w, d = world, world["d"]
    before = AssignmentRun.objects.create(region_id="370725", status="published")
    Guarantee.objects.create(entity=d[1], cadre=w["v1"], supporter=w["reg"], run=before, since=SINCE)
    Guarantee.objects.create(entity=w["stall"], cadre=w["v2"], run=before, since=SINCE)
    ungraded = Entity.objects.create(
        name="宝都街道中心小学食堂", uscc=uscc(24), region_id=TOWNSHIP, business_type="canteen", address="学府路1号"
    )
    Guarantee.objects.create(entity=ungraded, cadre=w["t1"], run=before, since=SINCE)  # exported as grade C
    Guarantee.objects.create(entity=w["outside"], cadre=w["v1"], run=before, since=SINCE)  # not the county's
    out = tmp_path / "assignments.xlsx"
    call_command("export_ledger", "--kind", "assignments", "--actor", admin.username, str(out))
    snapshot = guarantees()
    batch = import_file(admin, "assignments", out)
    assert batch.errors == [] and batch.counts["rows"] == 3
    assert (batch.counts["created"], batch.counts["updated"], batch.counts["unchanged"]) == (0, 0, 3)
    assert guarantees() == snapshot and AssignmentRun.objects.count() == 1


# ------------------------------------------------------------------------------------------------ personnel


def prow(entity, role, name, id_number, phone="", *, by_license=False, entity_name=None, id_type="") -> str:
    key = f",{entity.licenses.get().number}" if by_license else f"{entity.uscc},"
    return f"{key},{entity_name or entity.name},{role},{name},{id_type},{id_number},{phone},40"


def people() -> set[tuple]:
    return set(KeyPerson.objects.values_list("entity_id", "role", "name", "id_type", "id_number", "phone"))


def test_personnel_commit_and_reimport_changes_nothing(admin, world):
    w, d = world, world["d"]
    lines = [
        prow(d[1], "食品安全总监", "王总监", person_id(11), "13805360011"),
        prow(d[1], "食品安全员", "李安全", person_id(12)),
        prow(w["stall"], "安全员", "赵员", person_id(13), by_license=True),
        prow(d[2], "食品安全员", "陈外籍", "E12345678", id_type="其他证件"),
    ]
    batch = run(admin, lines, kind="personnel", name="人员.csv")
    assert batch.status == "committed" and batch.errors == [] and batch.counts["created"] == 4
    assert people() == {
        (d[1].pk, "safety_director", "王总监", "resident", person_id(11), "13805360011"),
        (d[1].pk, "safety_officer", "李安全", "resident", person_id(12), ""),
        (w["stall"].pk, "safety_officer", "赵员", "resident", person_id(13), ""),
        (d[2].pk, "safety_officer", "陈外籍", "other", "E12345678", ""),
    }
    again = run(admin, lines, kind="personnel", name="人员.csv")
    assert (again.counts["created"], again.counts["updated"], again.counts["unchanged"]) == (0, 0, 4)


def test_personnel_rules_name_row_and_column(admin, world):
    w, d = world, world["d"]
    lines = [
        prow(d[1], "食品安全员", "李安全", person_id(12)),  # 2 good
        f"{uscc(50)},,无此饭店,食品安全员,某人,,{person_id(14)},,",  # 3 not in the registry
        prow(w["outside"], "食品安全员", "周某", person_id(15)),  # 4 outside the county
        prow(d[2], "食品安全员", "吴某", bad_checksum(person_id(16))),  # 5
        prow(d[3], "食品安全员", "郑某", person_id(17), "12345"),  # 6 not a phone number
        prow(d[1], "食品安全员", "李安全", person_id(12)),  # 7 the same person as row 2
        prow(d[4], "食品安全员", "冯某", person_id(18), entity_name="别的饭店"),  # 8
        prow(d[1], "食品安全总监", "李安全", person_id(12)),  # 9 good: the same person in another role
    ]
    batch = run(admin, lines, kind="personnel", name="人员.csv")
    assert batch.status == "rejected" and not KeyPerson.objects.exists()
    assert found(batch) == {
        (3, "统一社会信用代码", "reference"),
        (4, "统一社会信用代码", "reference"),
        (5, "身份证号", "format"),
        (6, "联系电话", "format"),
        (7, "身份证号", "duplicate"),
        (8, "主体名称", "mismatch"),
    }
    messages = {e["row"]: e["message"] for e in batch.errors}
    assert "校验码" in messages[5] and "与第 2 行是同一主体的同一人员" in messages[7]
    skipped = run(admin, lines, kind="personnel", name="人员.csv", mode="skip_invalid")
    assert skipped.counts["created"] == 2 and skipped.counts["skipped"] == 6
    assert set(KeyPerson.objects.values_list("role", flat=True)) == {"safety_officer", "safety_director"}


def test_personnel_fills_in_the_id_of_a_person_registered_without_one(admin, world):
    d = world["d"]
    kept = KeyPerson.objects.create(entity=d[1], role="safety_officer", name="李安全", phone="13805360012")
    batch = run(admin, [prow(d[1], "食品安全员", "李安全", person_id(12), "13805360012")], kind="personnel")
    assert (batch.counts["created"], batch.counts["updated"]) == (0, 1)
    kept.refresh_from_db()
    assert kept.id_number == person_id(12) and KeyPerson.objects.count() == 1


def test_personnel_export_then_import_changes_nothing(admin, world, tmp_path):
    w, d = world, world["d"]
    KeyPerson.objects.create(entity=d[1], role="safety_director", name="王总监", id_number=person_id(11))
    KeyPerson.objects.create(
        entity=w["stall"], role="safety_officer", name="赵员", id_number=person_id(13), phone="0536-6212345"
    )
    KeyPerson.objects.create(entity=d[2], role="safety_officer", name="陈外籍", id_type="other", id_number="E1234")
    KeyPerson.objects.create(entity=d[3], role="legal_rep", name="法人", id_number=person_id(19))  # not this ledger's
    KeyPerson.objects.create(entity=w["outside"], role="safety_officer", name="周某", id_number=person_id(15))
    out = tmp_path / "personnel.xlsx"
    call_command("export_ledger", "--kind", "personnel", "--actor", admin.username, str(out))
    snapshot = people()
    batch = import_file(admin, "personnel", out)
    assert batch.errors == [] and batch.counts["rows"] == 3
    assert (batch.counts["created"], batch.counts["updated"], batch.counts["unchanged"]) == (0, 0, 3)
    assert people() == snapshot


def test_checking_a_file_costs_the_same_queries_for_any_number_of_rows(admin, world):
    """Lookups are set-based (docs/architecture.md §3.8): the plan of 12 rows queries no more than that of 2."""
    w, d = world, world["d"]

    def queries(kind, header, lines):
        sheet = read_ledger(("\n".join([header, *lines]) + "\n").encode(), "x.csv", kind)
        with CaptureQueriesContext(connection) as captured:
            IMPORTERS[kind](sheet, admin).plan()
        return len(captured)

    stall = [arow(w["stall"], w["v1"], by_license=True)]
    few = stall + [arow(d[1], w["v1"], supporter=w["reg"])]
    many = stall + [arow(d[n], w["v1"], supporter=w["reg"]) for n in range(1, 11)] + [arow(w["c"], w["t1"])]
    assert queries("assignments", ASSIGNMENT_HEADER, few) == queries("assignments", ASSIGNMENT_HEADER, many)
    people_rows = [prow(d[n], "食品安全员", f"员工{n}", person_id(30 + n)) for n in range(1, 11)]
    assert queries("personnel", PERSONNEL_HEADER, people_rows[:2]) == queries(
        "personnel", PERSONNEL_HEADER, people_rows
    )


def test_an_account_above_the_provinces_imports_one_province_per_file(superuser, world):
    """The run a file makes covers one region: a superuser's is the file's province, and a second province is
    refused on its rows."""
    w, d = world, world["d"]
    beijing = Entity.objects.create(
        name="朝阳饭店", uscc=uscc(30), region_id="110105", business_type="catering", address="朝阳路1号"
    )
    Cadre.objects.create(name="北京区长", id_number=person_id(31), level="county", region_id="110105")
    lines = [arow(d[1], w["v1"]), f"{beijing.uscc},,朝阳饭店,{person_id(31)},北京区长,B,,"]
    batch = run(superuser, lines)
    assert found(batch) == {(3, "统一社会信用代码", "region")}
    run(superuser, lines[:1])
    assert AssignmentRun.objects.get().region_id == "37"
