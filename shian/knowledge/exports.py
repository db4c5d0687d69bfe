"""xlsx for 监督抽考: a test's results (per township, then per person) and the question-bank template."""

import datetime
from typing import IO

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ENTITY_ROLES
from shian.reports.xlsx import Column

from .importing import QUESTIONS
from .models import KnowledgeTest, QuestionKind

_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "remove_timezone": True,
}


class _Book:
    """A few sheets with bold frozen headers, cells written by type (text never read as a formula)."""

    def __init__(self, output):
        self.book = xlsxwriter.Workbook(output, _OPTIONS)
        self.header = self.book.add_format({"bold": True, "bg_color": "#EEF2F6", "border": 1})
        self.datetime = self.book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})

    def sheet(self, name: str, columns: list[Column], rows, *, title: str = "") -> int:
        sheet = self.book.add_worksheet(name[:31])
        top = 0
        if title:
            sheet.write_string(0, 0, title, self.book.add_format({"bold": True, "font_size": 13}))
            top = 1
        for index, column in enumerate(columns):
            sheet.set_column(index, index, column.excel_width())
            sheet.write_string(top, index, str(column.header), self.header)
        sheet.freeze_panes(top + 1, 0)
        count = 0
        for count, values in enumerate(rows, start=1):
            for col, value in enumerate(values):
                self.cell(sheet, top + count, col, value)
        sheet.autofilter(top, 0, top + max(count, 0), len(columns) - 1)
        return count

    def cell(self, sheet, row, col, value):
        if value is None or value == "":
            return
        if isinstance(value, bool):
            sheet.write_string(row, col, _("是") if value else _("否"))
        elif isinstance(value, datetime.datetime):
            sheet.write_datetime(row, col, timezone.localtime(value).replace(tzinfo=None), self.datetime)
        elif isinstance(value, int | float):
            sheet.write_number(row, col, value)
        else:
            sheet.write_string(row, col, str(value))

    def close(self):
        self.book.close()


def _rate(value) -> float | None:
    return value if value is None else float(value)


def write_results(output: str | IO[bytes], test: KnowledgeTest, summary: dict, people: list[dict]) -> int:
    """Returns the number of person rows written."""
    book = _Book(output)
    title = _("%(title)s（%(opens)s 至 %(closes)s，合格线 %(mark)d%%）") % {
        "title": test.title,
        "opens": f"{timezone.localtime(test.opens_at):%Y-%m-%d %H:%M}",
        "closes": f"{timezone.localtime(test.closes_at):%Y-%m-%d %H:%M}",
        "mark": test.pass_mark,
    }
    columns = [
        Column(_("乡镇（街道）"), 20),
        Column(_("区划代码"), 14),
        Column(_("抽考主体"), 10),
        Column(_("应考人数"), 10),
        Column(_("参考人数"), 10),
        Column(_("合格人数"), 10),
        Column(_("不合格人数"), 10),
        Column(_("参考率（%）"), 12),
        Column(_("合格率（%）"), 12),
    ]

    def summary_rows():
        for row in [*summary["rows"], {**summary["total"], "name": _("合计"), "code": ""}]:
            yield (
                row["name"], row["code"], row["targeted"], row["eligible"], row["taken"], row["passed"], row["failed"],
                _rate(row["take_rate"]), _rate(row["pass_rate"]),
            )  # fmt: skip

    book.sheet(_("按乡镇汇总"), columns, summary_rows(), title=title)
    roles = dict(ENTITY_ROLES)
    columns = [
        Column(_("所属区划"), 16),
        Column(_("主体名称"), 36),
        Column(_("统一社会信用代码"), 22),
        Column(_("姓名"), 12),
        Column(_("账号"), 14),
        Column(_("岗位"), 14),
        Column(_("状态"), 14),
        Column(_("交卷时间"), 18),
        Column(_("得分"), 8),
        Column(_("满分"), 8),
        Column(_("得分率（%）"), 12),
        Column(_("是否合格"), 10),
    ]

    def person_rows():
        for row in people:
            target, user, attempt = row["target"], row["user"], row["attempt"]
            if user is None:
                status = _("无应考账号")
            elif attempt is None:
                status = _("未参考")
            elif attempt.submitted_at is None:
                status = _("答题中")
            else:
                status = _("超时自动交卷") if attempt.auto_submitted else _("已交卷")
            done = attempt is not None and attempt.submitted_at is not None
            yield (
                target.region.name,
                target.entity.name,
                target.entity.uscc,
                (user.name or user.username) if user else "",
                user.username if user else "",
                str(roles.get(user.entity_role, "")) if user else "",
                status,
                attempt.submitted_at if done else None,
                attempt.score if done else None,
                attempt.max_score if done else None,
                float(attempt.percent) if done else None,
                attempt.passed if done else None,
            )

    count = book.sheet(_("人员明细"), columns, person_rows())
    book.close()
    return count


def write_template(output: str | IO[bytes]) -> None:
    """The bank template: the header row with a 题型 dropdown, and a sheet explaining each column."""
    book = _Book(output)
    columns = [Column(column.label(), column.width) for column in QUESTIONS.columns]
    book.sheet(_("题库"), columns, [])
    sheet = book.book.worksheets()[0]
    labels = [str(label) for label in QuestionKind.labels]
    sheet.data_validation(1, 0, 5000, 0, {"validate": "list", "source": labels})
    notes = [
        (_("题型"), _("单选、多选或判断（必填）")),
        (_("题干"), _("题目内容，不超过 500 字（必填）；与题库中已有题目相同的题干会更新该题，而不是重复添加")),
        (_("选项A–选项F"), _("单选、多选题至少填写选项A和选项B，须从 A 起连续填写；判断题不填")),
        (_("答案"), _("单选填一个字母（如 A），多选填两个以上字母（如 ABD），判断填“对”或“错”（必填）")),
        (_("适用岗位"), _("主要负责人、食品安全总监、食品安全员，可填多个，用顿号或逗号分隔；不填或填“全部”为所有岗位")),
        (_("适用业态"), _("食品生产、食品销售、餐饮服务、单位食堂、三小、特殊食品、集中交易市场、网络平台，可填多个；不填或填“全部”为所有业态")),
        (_("分值"), _("1–100 的整数，不填为 1 分")),
        (_("解析"), _("答题后显示的说明，可不填")),
    ]  # fmt: skip
    book.sheet(_("填写说明"), [Column(_("列"), 16), Column(_("填写要求"), 90)], notes)
    book.close()
