"""The weekly dispatch report (每周一调度): its figures as JSON (archived with the files) and its layout as a
公文 (GB/T 9704 via reports.documents) in Word and PDF."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core import kpis as registry
from shian.evaluation.services import snapshots as evaluation
from shian.reports.documents import (
    Section,
    chinese_date,
    heading,
    numbered,
    paragraph,
    render,
    signature,
    subheading,
    table,
)  # fmt: skip

from . import history, selectors

OVERDUE_LIMIT = 30
UNIT_COLUMNS = ("baobao.assigned_rate", "visits.quarter_rate", "problems.close_rate", "problems.overdue",
                "duties.daily_rate")  # fmt: skip


fmt_value = registry.fmt
OVERDUE_WIDTHS = (30, 22, 44, 22, 16, 22)  # mm: the six columns of an overdue list


def fmt_change(now, before, unit: str) -> str:
    if now is None or before is None:
        return "—"
    delta = round(now - before, 1)
    if unit == "%":
        return _("%(d)+.1f 个百分点") % {"d": delta} if delta else _("持平")
    return f"{delta:+g}" if delta else _("持平")


def dispatch_data(*, region, week: datetime.date) -> dict:
    """Figures of the week starting `week` (counted at its Sunday, or today if earlier) against the week
    before, per unit below the region, the three lagging units and the overdue items."""
    end = week + datetime.timedelta(days=6)
    as_of = min(end, timezone.localdate())
    before = week - datetime.timedelta(days=1)
    code, depth = region.code, selectors.child_depth(region.code)
    fig = selectors.Figures(
        region, code, as_of, timezone.now(), True, selectors.count(prefix=code, depth=depth, as_of=as_of)
    )
    prev = history.parts_on(code, before)  # last week's figures as stored that night, when they were
    if prev is None:
        prev = registry.total(selectors.count(prefix=code, depth=depth, as_of=before).values())
    now_vals, prev_vals = selectors.values(fig.total), selectors.values(prev)
    kpis = [
        {"key": k.key, "label": str(k.label), "unit": str(k.unit), "better": k.better,
         "now": now_vals[k.key], "before": prev_vals[k.key]}
        for k in registry.kpis()
    ]  # fmt: skip
    table_rows = selectors.rows(fig)
    units = [
        {"code": r["code"], "name": str(r["name"]), "values": {k: r["values"].get(k) for k in UNIT_COLUMNS}}
        for r in table_rows
    ]
    lagging = []
    for r in selectors.lagging(table_rows):
        weak = [
            {"label": str(k.label), "value": r["values"][k.key], "region": now_vals[k.key]}
            for k in registry.kpis()
            if k.unit == "%" and k.better == "high" and r["values"][k.key] is not None
            and now_vals[k.key] is not None and r["values"][k.key] < now_vals[k.key]
        ]  # fmt: skip
        lagging.append({"code": r["code"], "name": str(r["name"]), "score": r["score"], "weak": weak})
    overdue = []
    for provider in registry.providers():
        if provider.overdue:
            title, headers, rows, count = provider.overdue(prefix=code, as_of=as_of, limit=OVERDUE_LIMIT)
            overdue.append({"title": str(title), "headers": headers, "rows": [list(r) for r in rows], "total": count})
    return {
        "region": {"code": code, "name": region.name},
        "week": week.isoformat(), "end": end.isoformat(), "as_of": as_of.isoformat(), "before": before.isoformat(),
        "kpis": kpis, "units": units, "lagging": lagging, "overdue": overdue,
        "evaluation": evaluation.weekly_section(region_code=code, week=week, as_of=as_of),
    }  # fmt: skip


def _kpi(data: dict, key: str) -> dict:
    return next((k for k in data["kpis"] if k["key"] == key), {"now": None, "unit": ""})


def _summary(data: dict) -> str:
    as_of = datetime.date.fromisoformat(data["as_of"])
    parts = [
        f"{k['label']}{fmt_value(k['now'], k['unit'])}{k['unit'] if k['unit'] != '%' else ''}" for k in data["kpis"]
    ]
    return _("截至%(date)s，%(region)s：%(figures)s。") % {
        "date": chinese_date(as_of), "region": data["region"]["name"], "figures": "，".join(parts),
    }  # fmt: skip


def _requirements(data: dict) -> list[str]:
    items = []
    for unit in data["lagging"]:
        weak = "、".join(w["label"] for w in unit["weak"]) or _("各项指标")
        items.append(
            _("%(name)s%(weak)s低于全域平均，请于下周调度前说明原因并报送整改措施。")
            % {"name": unit["name"], "weak": weak}
        )
    for block in data["overdue"]:
        if block["total"]:
            items.append(_("%(title)s共 %(n)d 项，请各包保干部督促主体限期整改，逾期仍未整改的按规定升级处理。")
                         % {"title": block["title"], "n": block["total"]})  # fmt: skip
    overdue_visits = _kpi(data, "visits.overdue")["now"]
    if overdue_visits:
        items.append(
            _("上季度有 %(n)s 户主体未按要求督导，请相关包保干部本周内补齐督导记录。")
            % {"n": fmt_value(overdue_visits, "")}
        )
    if not items:
        items.append(_("各项指标运行平稳，请继续落实日管控、周排查、月调度工作机制。"))
    return items


def _evaluation_blocks(evaluations: list[dict]) -> list:
    """Score, change since last week's snapshot, departments behind schedule, items losing the most points
    (docs/evaluation.md §4)."""
    blocks = []
    for ev in evaluations:
        change = fmt_change(ev["total"], ev["before"], "")
        blocks.append(paragraph(
            _("%(catalog)s：当前得分 %(total)s 分（满分 %(max)s 分），较上周 %(change)s；按期完成全部待办任务预计可得 "
              "%(projected)s 分。") % {"catalog": ev["catalog"], "total": ev["total"], "max": ev["max"],
                                    "change": change, "projected": ev["projected"]}
        ))  # fmt: skip
        for veto in ev["veto_failed"]:
            blocks.append(paragraph(_("否决项（%(no)s）%(text)s：%(reason)s") % veto))
        if ev["behind"]:
            blocks.append(subheading(_("进度滞后部门")))
            blocks.append(table([_("部门"), _("逾期任务")], [[b["department"], str(b["overdue"])] for b in ev["behind"]],
                                (100, 50), compact=True))  # fmt: skip
        if ev["losing"]:
            blocks.append(subheading(_("失分较多的评价项")))
            blocks.append(table([_("评价项"), _("失分")], [[r["item"], fmt_value(r["lost"], "")] for r in ev["losing"]],
                                (120, 30), compact=True))  # fmt: skip
    return blocks


def dispatch_sections(data: dict) -> list[Section]:
    week, end = datetime.date.fromisoformat(data["week"]), datetime.date.fromisoformat(data["end"])
    kpi_rows = [
        (k["label"], fmt_value(k["now"], k["unit"]), fmt_value(k["before"], k["unit"]),
         fmt_change(k["now"], k["before"], k["unit"]))
        for k in data["kpis"]
    ]  # fmt: skip
    labels = {k["key"]: k for k in data["kpis"]}
    unit_headers = [_("单位")] + [labels[c]["label"] for c in UNIT_COLUMNS if c in labels]
    unit_rows = [
        [u["name"]] + [fmt_value(u["values"].get(c), labels[c]["unit"]) for c in UNIT_COLUMNS if c in labels]
        for u in data["units"]
    ]
    n_cols = len(unit_headers) - 1
    blocks = [
        heading(_("一、总体情况")),
        paragraph(_summary(data)),
        heading(_("二、主要指标")),
        table([_("指标"), _("本周"), _("上周"), _("较上周")], kpi_rows, (60, 30, 30, 36)),
        heading(_("三、各单位情况")),
        table(unit_headers, unit_rows, (36,) + (120 / max(n_cols, 1),) * n_cols, compact=True)
        if unit_rows
        else paragraph(_("无下级单位数据。")),
        heading(_("四、工作滞后单位")),
    ]
    if data["lagging"]:
        blocks += numbered(
            _("%(name)s（综合得分 %(score)s）：%(weak)s") % {
                "name": u["name"], "score": u["score"],
                "weak": "；".join(f"{w['label']} {fmt_value(w['value'], '%')}（全域 {fmt_value(w['region'], '%')}）"
                                 for w in u["weak"]) or _("各项指标均不低于全域平均"),
            }
            for u in data["lagging"]
        )  # fmt: skip
    else:
        blocks.append(paragraph(_("无可比较的下级单位。")))
    blocks.append(heading(_("五、逾期事项")))
    for block in data["overdue"]:
        blocks.append(subheading(_("%(title)s（共 %(n)d 项）") % {"title": block["title"], "n": block["total"]}))
        if block["rows"]:
            # each module's overdue list names its own columns; the usual six get tuned widths, others equal ones
            widths = OVERDUE_WIDTHS if len(block["headers"]) == len(OVERDUE_WIDTHS) else None
            blocks.append(table(block["headers"], block["rows"], widths, compact=True))
            if block["total"] > len(block["rows"]):
                blocks.append(paragraph(_("仅列出逾期最久的 %(n)d 项，完整清单见系统。") % {"n": len(block["rows"])}))
    evaluations = data.get("evaluation") or []  # reports archived before issue 23 have none
    if evaluations:
        blocks.append(heading(_("六、示范创建评价")))
        blocks += _evaluation_blocks(evaluations)
    blocks.append(heading(_("七、下周工作要求") if evaluations else _("六、下周工作要求")))
    blocks += numbered(_requirements(data))
    blocks.append(signature([_("%(region)s食品安全委员会办公室") % {"region": data["region"]["name"]},
                             chinese_date(timezone.localdate())]))  # fmt: skip
    title = _("%(region)s食品安全工作调度周报") % {"region": data["region"]["name"]}
    subtitle = _("（%(start)s—%(end)s）") % {"start": chinese_date(week), "end": chinese_date(end)}
    return [Section("dispatch", title, (subtitle,), blocks)]


def render_dispatch(data: dict, *, fmt: str) -> bytes:
    sections = dispatch_sections(data)
    return render(sections, fmt=fmt, title=sections[0].title)
