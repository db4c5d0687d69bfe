"""The question bank as an Excel file: the columns a clerk fills, read with the import engine's reader
(:mod:`shian.imports`: headers found wherever they are, variant spellings, damaged files refused with a
message), then checked row by row.

Columns (Chinese headers): 题型 (单选/多选/判断), 题干, 选项A..选项F, 答案 ("A", "ABD", 对/错), 适用岗位
(主要负责人/食品安全总监/食品安全员/全部, several separated by 、 or ,), 适用业态 (业态 labels or 全部), 分值
(default 1), 解析. Every problem names its row, column and rule; the caller writes nothing unless there is none.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from shian.accounts.models import ENTITY_ROLES
from shian.entities.models import BusinessType, KeyPerson
from shian.imports.cells import CellError
from shian.imports.reading import Sheet, read_sheet
from shian.imports.specs import Choice, Column, ColumnType, TableSpec

from .models import OPTION_LETTERS, Judgement, QuestionKind

MAX_TEXT = 500
MAX_OPTION = 200
MAX_EXPLANATION = 1000
MAX_POINTS = 100
MAX_ROWS = 5000

OPTION_KEYS = [f"option_{letter.lower()}" for letter in OPTION_LETTERS]

QUESTIONS = TableSpec(
    kind="knowledge_questions",
    title=N_("监督抽考题库"),
    columns=(
        Column(
            "kind",
            N_("题型"),
            ColumnType.ENUM,
            required=True,
            aliases=("题目类型", "类型"),
            choices=(
                Choice(QuestionKind.SINGLE.value, QuestionKind.SINGLE.label, ("单选题", "单项选择", "单项选择题")),
                Choice(QuestionKind.MULTIPLE.value, QuestionKind.MULTIPLE.label, ("多选题", "多项选择", "多项选择题")),
                Choice(QuestionKind.JUDGE.value, QuestionKind.JUDGE.label, ("判断题", "是非题")),
            ),
            width=8,
        ),
        Column("text", N_("题干"), required=True, aliases=("题目", "试题", "题目内容"), width=50),
        *(
            Column(key, f"选项{letter}", aliases=(f"{letter}选项", f"选项{letter.lower()}", letter), width=20)
            for key, letter in zip(OPTION_KEYS, OPTION_LETTERS, strict=True)
        ),
        Column("answer", N_("答案"), required=True, aliases=("正确答案", "标准答案", "参考答案"), width=8),
        Column("roles", N_("适用岗位"), aliases=("岗位", "适用人员", "适用对象"), width=22),
        Column("business_types", N_("适用业态"), aliases=("业态",), width=22),
        Column("points", N_("分值"), ColumnType.INT, aliases=("分数",), width=6),
        Column("explanation", N_("解析"), aliases=("答案解析", "说明"), width=40),
    ),
    identity=("text",),
)

ALL_WORDS = {"全部", "所有", "全部岗位", "全部业态", "所有岗位", "所有业态", "不限", "all"}
ROLE_WORDS = {
    KeyPerson.Role.PRINCIPAL.value: ("主要负责人", "负责人", "企业主要负责人", "principal"),
    KeyPerson.Role.SAFETY_DIRECTOR.value: ("食品安全总监", "总监", "安全总监", "safety_director"),
    KeyPerson.Role.SAFETY_OFFICER.value: ("食品安全员", "安全员", "食品安全管理员", "safety_officer"),
}
TYPE_ALIASES = {
    BusinessType.PRODUCTION: ("生产", "食品生产企业"),
    BusinessType.SALES: ("销售", "食品经营", "流通"),
    BusinessType.CATERING: ("餐饮", "餐饮服务单位"),
    BusinessType.CANTEEN: ("食堂", "单位食堂", "学校食堂"),
    BusinessType.SMALL: ("三小", "小作坊、小餐饮、摊贩", "小作坊小餐饮摊贩"),
    BusinessType.SPECIAL: ("特殊食品生产", "特殊食品销售"),
    BusinessType.MARKET: ("市场", "农贸市场", "集中交易市场开办者"),
    BusinessType.ONLINE: ("网络", "网络食品交易第三方平台", "网络餐饮服务第三方平台"),
}
JUDGE_WORDS = {
    Judgement.TRUE.value: ("对", "正确", "是", "√", "✓", "✔", "T", "TRUE", "Y", "YES"),
    Judgement.FALSE.value: ("错", "错误", "否", "×", "✗", "✘", "X", "F", "FALSE", "N", "NO"),
}
_SEPARATORS = re.compile(r"[、,，;；/／\s]+")


def _word(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", str(text)) if not c.isspace()).lower()


def _lookup(words: dict) -> dict[str, str]:
    return {_word(w): value for value, ws in words.items() for w in ws}


@dataclass
class ParsedQuestion:
    row: int
    kind: str
    text: str
    options: list[str]
    answer: str
    roles: list[str]
    business_types: list[str]
    points: int
    explanation: str


@dataclass
class ParsedBank:
    sheet: Sheet | None
    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)

    def messages(self) -> list[str]:
        return [describe(self.sheet, e) for e in self.errors]


def describe(sheet: Sheet | None, error: CellError) -> str:
    """ "第 5 行 M 列“答案”：…" as a clerk finds the cell (no column letter when the file was not read)."""
    if sheet is None:
        return _("第 %(row)d 行%(where)s“%(column)s”：%(message)s") % {
            "row": error.row, "where": "", "column": error.column, "message": error.message,
        }  # fmt: skip
    return sheet.describe(error)


def parse_bank(data: bytes, filename: str) -> ParsedBank:
    """Read and check a question-bank file. Raises ImportFileError when it cannot be read as one at all."""
    sheet = read_sheet(data, filename, QUESTIONS)
    bank = ParsedBank(sheet=sheet, errors=list(sheet.errors))
    failed = sheet.error_cells()
    if len(sheet.rows) > MAX_ROWS:
        bank.errors.append(
            CellError(sheet.header_row, "", "", "format", _("一次最多导入 %(n)d 道题，请分批导入") % {"n": MAX_ROWS})
        )
        return bank
    if not sheet.rows and not sheet.errors:
        bank.errors.append(CellError(sheet.header_row + 1, "", "", "required", _("文件中没有题目")))
    roles = _lookup(ROLE_WORDS)
    types = _type_lookup()
    seen: dict[str, int] = {}
    for row in sheet.rows:
        errors: list[CellError] = []

        def bad(key, message, value=None, code="format", errors=errors, number=row.number):
            errors.append(sheet.cell_error(number, key, code, message, value))

        kind = row["kind"]
        text = " ".join((row["text"] or "").split())
        if len(text) > MAX_TEXT:
            bad("text", _("题干不能超过 %(n)d 字（现有 %(m)d 字）") % {"n": MAX_TEXT, "m": len(text)}, text)
        elif text in seen:
            bad("text", _("与第 %(n)d 行的题干相同，同一题只能出现一次") % {"n": seen[text]}, text, "duplicate")
        elif text:
            seen[text] = row.number
        options = _options(row, kind, bad)
        answer = _answer(row["answer"], kind, options, bad) if kind else ""
        role_list = _codes(row["roles"], roles, "roles", bad, _("主要负责人、食品安全总监、食品安全员或全部"))
        type_list = _codes(row["business_types"], types, "business_types", bad, _type_names())
        points = row["points"] if row["points"] is not None else 1
        if not 1 <= points <= MAX_POINTS:
            bad("points", _("分值应为 1 到 %(n)d 之间的整数") % {"n": MAX_POINTS}, points)
        explanation = (row["explanation"] or "").strip()
        if len(explanation) > MAX_EXPLANATION:
            bad("explanation", _("解析不能超过 %(n)d 字") % {"n": MAX_EXPLANATION}, explanation[:50])
        if errors or not kind or not text or any(key for (r, key) in failed if r == row.number):
            bank.errors.extend(errors)
            continue
        bank.questions.append(
            ParsedQuestion(
                row=row.number,
                kind=kind,
                text=text,
                options=options,
                answer=answer,
                roles=role_list,
                business_types=type_list,
                points=points,
                explanation=explanation,
            )
        )
    bank.errors.sort(key=lambda e: (e.row, sheet.positions.get(e.key, -1)))
    return bank


def _options(row, kind, bad) -> list[str]:
    """Options A.. in order; a gap (C empty, D filled) is an error; 判断 has none."""
    values = [" ".join(str(row[key] or "").split()) for key in OPTION_KEYS]
    if kind == QuestionKind.JUDGE:
        return []
    last = max((n for n, v in enumerate(values) if v), default=-1)
    for n in range(last + 1):
        if not values[n]:
            bad(
                OPTION_KEYS[n],
                _("选项%(this)s为空，但其后的选项%(next)s有内容：选项须从 A 起连续填写")
                % {"this": OPTION_LETTERS[n], "next": OPTION_LETTERS[last]},
                code="required",
            )
            return []
    options = values[: last + 1]
    for n, option in enumerate(options):
        if len(option) > MAX_OPTION:
            bad(OPTION_KEYS[n], _("选项不能超过 %(n)d 字") % {"n": MAX_OPTION}, option[:50])
    if kind and len(options) < 2:
        label = QuestionKind(kind).label
        bad("option_a", _("%(kind)s题至少需要填写选项A和选项B") % {"kind": label}, code="required")
        return []
    if len(set(options)) != len(options):
        bad("option_a", _("选项内容重复，请检查各选项"))
    return options


def _answer(raw, kind, options, bad) -> str:
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if kind == QuestionKind.JUDGE:
        value = _lookup(JUDGE_WORDS).get(_word(text))
        if value is None:
            bad("answer", _("判断题答案应为“对”或“错”"), raw)
        return value or ""
    letters = [c for c in text.upper() if not (c.isspace() or c in "、,，;；/")]
    if not letters or any(c not in OPTION_LETTERS for c in letters):
        bad("answer", _("答案应为选项字母，如 A 或 ABD"), raw)
        return ""
    if len(set(letters)) != len(letters):
        bad("answer", _("答案中有重复的字母"), raw)
        return ""
    if not options:
        return ""  # the options are already reported
    beyond = [c for c in letters if OPTION_LETTERS.index(c) >= len(options)]
    if beyond:
        bad(
            "answer",
            _("答案中的 %(letters)s 没有对应的选项（本题只有 A–%(last)s）")
            % {"letters": "".join(beyond), "last": OPTION_LETTERS[len(options) - 1]},
            raw,
        )
        return ""
    if kind == QuestionKind.SINGLE and len(letters) != 1:
        bad("answer", _("单选题只能有一个答案"), raw)
        return ""
    if kind == QuestionKind.MULTIPLE and len(letters) < 2:
        bad("answer", _("多选题的答案至少两个选项；只有一个正确选项请改为单选题"), raw)
        return ""
    return "".join(sorted(letters))


def _type_lookup() -> dict[str, str]:
    """Labels in Chinese and in the active language, stored codes and the short names clerks use."""
    with translation.override("zh-hans"):
        chinese = {member.value: str(member.label) for member in BusinessType}
    return _lookup(
        {
            member.value: (chinese[member.value], str(member.label), member.value, *TYPE_ALIASES.get(member, ()))
            for member in BusinessType
        }
    )


def _type_names() -> str:
    return "、".join(str(member.label).split("（")[0] for member in BusinessType) + _("或全部")


def _codes(raw, lookup: dict[str, str], key: str, bad, expected: str) -> list[str]:
    """A cell listing several labels (or 全部, or blank for all) as stored codes; labels that themselves contain
    a separator (三小（小作坊、小餐饮、摊贩）) are matched whole before the cell is split."""
    text = _word(raw or "")
    if not text:
        return []
    codes: list[str] = []
    for word in sorted(lookup, key=len, reverse=True):
        if len(word) > 2 and word in text and any(c in word for c in "、,，()（）"):
            codes.append(lookup[word])
            text = text.replace(word, "、")
    unknown = []
    for part in _SEPARATORS.split(text):
        if not part:
            continue
        if part in {_word(w) for w in ALL_WORDS}:
            return []
        if part in lookup:
            codes.append(lookup[part])
        else:
            unknown.append(part)
    if unknown:
        bad(
            key,
            _("“%(value)s”不是可选的值，应为：%(expected)s") % {"value": "、".join(unknown), "expected": expected},
            raw,
        )
    return sorted(set(codes))


ROLE_VALUES = [value for value, _label in ENTITY_ROLES]
