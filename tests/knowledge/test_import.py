"""The question bank from Excel: a good file, bad cells named by row and column, all or nothing, re-import."""

import hashlib
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from shian.core.models import AuditEntry
from shian.knowledge import services
from shian.knowledge.defaults import QUESTIONS as DEFAULTS
from shian.knowledge.exports import write_template
from shian.knowledge.importing import parse_bank
from shian.knowledge.models import Question

from .conftest import HEADERS, client_for, row, xlsx

GOOD = [
    row("单选", "测试：冷藏柜温度应控制在（ ）。", ["0℃～8℃", "10℃～15℃", "15℃～25℃"], "A", "全部", "全部"),
    row(
        "多选",
        "防止交叉污染的做法有（ ）。",
        ["生熟分开", "刀具分开", "容器混用", "砧板分开"],
        "a、b、d",
        "食品安全总监、食品安全员",
        "餐饮服务,单位食堂",
        2,
        "生熟分开。",
    ),  # fmt: skip
    row("判断", "日管控未发现问题的可以不记录。", [], "错", "主要负责人", "三小（小作坊、小餐饮、摊贩）"),
    row("判断题", "应当建立进货查验记录制度。", [], "√", "", "食品生产、食品销售"),
]


@pytest.fixture
def admin(world):
    return world.county


def import_bytes(actor, data, name="题库.xlsx", **kwargs):
    return services.import_questions(actor=actor, data=data, filename=name, **kwargs)


def test_default_bank_is_seeded(db):
    assert Question.objects.filter(active=True).count() == len(DEFAULTS) >= 40
    kinds = set(Question.objects.values_list("kind", flat=True))
    assert kinds == {"single", "multiple", "judge"}


def test_good_file_creates_questions_with_parsed_fields(admin):
    before = Question.objects.count()
    data = xlsx(GOOD, title="2026 年监督抽考题库")  # a title row above the header
    counts = import_bytes(admin, data)
    assert counts == {"rows": 4, "created": 4, "updated": 0, "unchanged": 0}
    assert Question.objects.count() == before + 4
    single = Question.objects.get(text="测试：冷藏柜温度应控制在（ ）。")
    assert (single.kind, single.options, single.answer, single.roles, single.business_types, single.points) == (
        "single", ["0℃～8℃", "10℃～15℃", "15℃～25℃"], "A", "", "", 1,
    )  # fmt: skip
    multiple = Question.objects.get(text="防止交叉污染的做法有（ ）。")
    assert multiple.answer == "ABD" and multiple.points == 2 and multiple.explanation == "生熟分开。"
    assert multiple.role_list == ["safety_director", "safety_officer"]
    assert multiple.business_type_list == ["canteen", "catering"]
    judge = Question.objects.get(text="日管控未发现问题的可以不记录。")
    assert (judge.kind, judge.options, judge.answer) == ("judge", [], "F")
    assert judge.role_list == ["principal"] and judge.business_type_list == ["small"]
    assert Question.objects.get(text="应当建立进货查验记录制度。").business_type_list == ["production", "sales"]
    entry = AuditEntry.objects.get(action="knowledge.import_questions")
    assert entry.after["sha256"] == hashlib.sha256(data).hexdigest()
    assert entry.after["created"] == 4 and [r[1] for r in entry.after["rows_outcome"]] == ["created"] * 4


def test_bad_cells_are_named_by_row_and_column_and_nothing_is_written(admin):
    before = Question.objects.count()
    rows = [
        GOOD[0],  # row 2: fine
        row("填空", "题型错误的题。", ["甲", "乙"], "A"),  # row 3
        row("单选", "答案超出选项的题。", ["甲", "乙"], "C"),  # row 4
        row("单选", "单选两个答案的题。", ["甲", "乙", "丙"], "AB"),  # row 5
        row("多选", "多选一个答案的题。", ["甲", "乙", "丙"], "B"),  # row 6
        row("判断", "判断答案无效的题。", [], "可能"),  # row 7
        row("单选", "选项不连续的题。", ["甲", "", "丙"], "A"),  # row 8
        row("单选", "岗位无效的题。", ["甲", "乙"], "A", "厨师、食品安全员"),  # row 9
        row("单选", "业态无效的题。", ["甲", "乙"], "A", "", "餐饮服务、游乐场"),  # row 10
        row("单选", "分值无效的题。", ["甲", "乙"], "A", "", "", 0),  # row 11
        row("单选", "测试：冷藏柜温度应控制在（ ）。", ["甲", "乙"], "A"),  # row 12: same text as row 2
        row("单选", "", ["甲", "乙"], "A"),  # row 13: no text
    ]
    with pytest.raises(services.ImportRejected) as caught:
        import_bytes(admin, xlsx(rows))
    messages = caught.value.messages
    assert messages == [
        "第 3 行 A 列“题型”：“填空”不是可选的值，应为：单选、多选、判断",
        "第 4 行 I 列“答案”：答案中的 C 没有对应的选项（本题只有 A–B）",
        "第 5 行 I 列“答案”：单选题只能有一个答案",
        "第 6 行 I 列“答案”：多选题的答案至少两个选项；只有一个正确选项请改为单选题",
        "第 7 行 I 列“答案”：判断题答案应为“对”或“错”",
        "第 8 行 D 列“选项B”：选项B为空，但其后的选项C有内容：选项须从 A 起连续填写",
        "第 9 行 J 列“适用岗位”：“厨师”不是可选的值，应为：主要负责人、食品安全总监、食品安全员或全部",
        "第 10 行 K 列“适用业态”：“游乐场”不是可选的值，应为：食品生产、食品销售、餐饮服务、单位食堂、三小、特殊食品、集中交易市场、网络平台或全部",
        "第 11 行 L 列“分值”：分值应为 1 到 100 之间的整数",
        "第 12 行 B 列“题干”：与第 2 行的题干相同，同一题只能出现一次",
        "第 13 行 B 列“题干”：“题干”不能为空",
    ]
    errors = caught.value.errors
    assert errors[0]["row"] == 3 and errors[0]["column"] == "题型" and errors[0]["value"] == "填空"
    assert Question.objects.count() == before  # all or nothing: the good row 2 was not written either
    assert not AuditEntry.objects.filter(action="knowledge.import_questions").exists()


def test_missing_column_and_unreadable_file_are_refused(admin):
    headers = [h for h in HEADERS if h != "答案"]
    with pytest.raises(ValidationError) as caught:
        import_bytes(admin, xlsx([["单选", "题", "甲", "乙"]], headers=headers))
    assert "缺少监督抽考题库必需的列：“答案”" in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        import_bytes(admin, b"PK\x03\x04 not really a zip", name="坏文件.xlsx")
    assert "坏文件.xlsx" in caught.value.messages[0]


def test_reimport_updates_instead_of_duplicating(admin):
    import_bytes(admin, xlsx(GOOD))
    total = Question.objects.count()
    first = Question.objects.get(text="测试：冷藏柜温度应控制在（ ）。")
    changed = [row("单选", "测试：冷藏柜温度应控制在（ ）。", ["10℃～15℃", "0℃～8℃"], "B", "食品安全员"), *GOOD[1:]]
    counts = import_bytes(admin, xlsx(changed))
    assert counts == {"rows": 4, "created": 0, "updated": 1, "unchanged": 3}
    assert Question.objects.count() == total
    first.refresh_from_db()
    assert first.options == ["10℃～15℃", "0℃～8℃"] and first.answer == "B" and first.role_list == ["safety_officer"]
    assert import_bytes(admin, xlsx(changed)) == {"rows": 4, "created": 0, "updated": 0, "unchanged": 4}


def test_reimport_brings_back_a_disabled_question(admin):
    import_bytes(admin, xlsx(GOOD))
    Question.objects.filter(text=GOOD[0][1]).update(active=False)
    assert import_bytes(admin, xlsx(GOOD))["updated"] == 1
    assert Question.objects.get(text=GOOD[0][1]).active


def test_dry_run_writes_nothing(admin):
    before = Question.objects.count()
    assert import_bytes(admin, xlsx(GOOD), dry_run=True)["created"] == 4
    assert Question.objects.count() == before


def test_only_administrators_import(world):
    for user in (world.station, world.officer, world.cadre):
        with pytest.raises(Exception) as caught:
            import_bytes(user, xlsx(GOOD))
        assert caught.type.__name__ == "PermissionDenied"


def test_command_imports_and_reports_json(admin, tmp_path, capsys):
    admin.username = "admin"
    admin.save()
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx(GOOD))
    call_command("import_questions", str(good), "--actor", "admin", "--json")
    assert json.loads(capsys.readouterr().out) == {"rows": 4, "created": 4, "updated": 0, "unchanged": 0, "errors": []}
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([row("单选", "新题。", ["甲", "乙"], "Z")]))
    with pytest.raises(SystemExit) as exited:
        call_command("import_questions", str(bad), "--actor", "admin", "--json")
    assert exited.value.code == 1
    out = json.loads(capsys.readouterr().out)
    assert out["created"] == 0 and out["errors"][0]["row"] == 2 and out["errors"][0]["column"] == "答案"
    assert not Question.objects.filter(text="新题。").exists()


def test_upload_page(world):
    admin = client_for(world.county)
    page = admin.get("/knowledge/bank/")
    assert page.status_code == 200 and "从 Excel 导入题目" in page.content.decode()
    r = admin.post("/knowledge/bank/", {"file": SimpleUploadedFile("题库.xlsx", xlsx(GOOD))})
    assert r.status_code == 302
    assert Question.objects.filter(text=GOOD[1][1]).exists()
    bad = admin.post("/knowledge/bank/", {"file": SimpleUploadedFile("题库.xlsx", xlsx([row("单选", "X", [], "A")]))})
    assert bad.status_code == 422
    assert "第 2 行 C 列“选项A”：单选题至少需要填写选项A和选项B" in bad.content.decode()
    station = client_for(world.station)
    assert station.get("/knowledge/bank/").status_code == 200  # reads the bank to plan tests
    assert "从 Excel 导入题目" not in station.get("/knowledge/bank/").content.decode()
    assert station.post("/knowledge/bank/", {"file": SimpleUploadedFile("a.xlsx", xlsx(GOOD))}).status_code == 403
    assert client_for(world.officer).get("/knowledge/bank/").status_code == 403  # the answers stay hidden


def test_template_has_the_headers_and_reads_back(world):
    out = io.BytesIO()
    write_template(out)
    book = CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue()))
    assert book.sheet_names == ["题库", "填写说明"]
    assert book.get_sheet_by_name("题库").to_python()[0][:13] == HEADERS
    bank = parse_bank(out.getvalue(), "模板.xlsx")
    assert [e.message for e in bank.errors] == ["文件中没有题目"]
    r = client_for(world.station).get("/knowledge/bank/template.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")


def test_roles_and_types_accept_short_names_and_all(admin):
    rows = [row("单选", "别名测试。", ["甲", "乙"], "A", "负责人,安全员", "餐饮、食堂、三小")]
    import_bytes(admin, xlsx(rows))
    question = Question.objects.get(text="别名测试。")
    assert question.role_list == ["principal", "safety_officer"]
    assert question.business_type_list == ["canteen", "catering", "small"]
