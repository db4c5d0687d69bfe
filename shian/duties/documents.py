"""The three standard records of SAMR Order 60 as Word and PDF, from what the entity filled in."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from shian.reports.documents import Section, chinese_date, paragraph, render_file, signature, subheading, table

from . import selectors
from .models import DailyCheck, MonthlyMeeting, WeeklyReport


def _head(entity) -> list:
    return [
        paragraph(
            _("单位名称：%(name)s　　统一社会信用代码：%(uscc)s") % {"name": entity.name, "uscc": entity.uscc or "—"}
        )
    ]


def daily(check: DailyCheck) -> Section:
    items = selectors.risk_list(check.entity)
    found = {issue["area"]: issue for issue in check.issues}
    rows = [
        (
            n,
            item.area,
            item.measure,
            _("否") if item.area in found else _("是"),
            found.get(item.area, {}).get("issue", ""),
        )
        for n, item in enumerate(items, 1)
    ]
    rows += [("", i["area"], "", _("否"), i["issue"]) for i in check.issues if i["area"] not in {r[1] for r in rows}]
    blocks = _head(check.entity) + [
        paragraph(_("检查日期：%(day)s") % {"day": chinese_date(check.day)}),
        table(
            [_("序号"), _("风险点"), _("管控措施"), _("是否落实"), _("发现的问题")],
            rows,
            [12, 30, 64, 18, 32],
            compact=True,
        ),
        subheading(_("问题整改情况")),
        paragraph(
            "；".join(f"{i['area']}：{i['issue']}，{i['fix'] or _('待整改')}" for i in check.issues)
            or _("今日未发现食品安全风险隐患。")
        ),
        signature([_("检查人：%(name)s") % {"name": check.checker_name}, chinese_date(check.day)]),
    ]
    return Section("daily", _("每日食品安全检查记录"), (), blocks)


def weekly(report: WeeklyReport) -> Section:
    end = report.week + datetime.timedelta(days=6)
    summary = selectors.week_summary(entity=report.entity, week=report.week)
    blocks = _head(report.entity) + [
        paragraph(_("排查时段：%(a)s至%(b)s") % {"a": chinese_date(report.week), "b": chinese_date(end)}),
        paragraph(
            _("本周开展日管控 %(d)d 天，发现问题 %(n)d 个。") % {"d": report.days_checked, "n": report.issues_found}
        ),
        subheading(_("一、日管控发现的问题")),
        *[paragraph(line) for line in summary["issues"] or [_("无")]],
        subheading(_("二、排查发现的风险隐患")),
        paragraph(report.findings or _("无")),
        subheading(_("三、整改措施及落实情况")),
        paragraph(report.measures or _("无")),
        subheading(_("四、本周食品安全状况评价")),
        paragraph(report.conclusion),
        signature(
            [
                _("报告人：%(name)s") % {"name": report.reporter_name},
                chinese_date(timezone.localtime(report.created_at).date()),
            ]
        ),
    ]
    return Section("weekly", _("每周食品安全排查治理报告"), (), blocks)


def monthly(meeting: MonthlyMeeting) -> Section:
    blocks = _head(meeting.entity) + [
        paragraph(_("会议时间：%(day)s") % {"day": chinese_date(meeting.held_on)}),
        paragraph(_("主持人：%(chair)s") % {"chair": meeting.chair}),
        paragraph(_("参会人员：%(people)s") % {"people": meeting.attendees}),
        subheading(_("一、本月食品安全管理情况及存在的问题")),
        paragraph(meeting.issues),
        subheading(_("二、调度事项及下月工作安排")),
        paragraph(meeting.decisions),
        signature([_("主要负责人：%(chair)s") % {"chair": meeting.chair}, chinese_date(meeting.held_on)]),
    ]
    return Section("monthly", _("每月食品安全调度会议纪要"), (), blocks)


BUILDERS = {
    "daily": (DailyCheck, daily, "day"),
    "weekly": (WeeklyReport, weekly, "week"),
    "monthly": (MonthlyMeeting, monthly, "month"),
}


def build(kind: str, record, fmt: str) -> tuple[str, bytes]:
    """(file name, bytes) of one record's document."""
    _model, builder, period_field = BUILDERS[kind]
    section = builder(record)
    stem = f"{record.entity.name}-{section.title}-{getattr(record, period_field):%Y%m%d}"
    return render_file([section], fmt=fmt, title=section.title, stem=stem)
