"""The weekly dispatch report (每周一调度): its figures, Word and PDF files, archive, permissions, command and the
Monday schedule."""

import datetime
import io

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.http import Http404
from django.urls import reverse

from shian.core import kpis as registry
from shian.core import schedule
from shian.core.models import AuditEntry
from shian.dashboard import documents, selectors, services
from shian.dashboard.models import DispatchReport, Snapshot
from shian.regions.models import Region
from shian.visits.models import Problem

from .conftest import COUNTY, CST, LAST_WEEK, T1, T2

WEEK_END = LAST_WEEK + datetime.timedelta(days=6)


@pytest.fixture
def county(world):
    return Region.objects.get(code=COUNTY)


def docx_of(report) -> docx.document.Document:
    with report.docx.open("rb") as f:
        return docx.Document(io.BytesIO(f.read()))


def table_rows(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_generate_archives_word_and_pdf(world, county):
    report = services.generate_dispatch(region=county, week=LAST_WEEK, actor=world.county_admin)
    assert DispatchReport.objects.get() == report
    assert report.region_id == COUNTY and report.week == LAST_WEEK and report.generated_by == world.county_admin
    data = report.data
    assert data["region"] == {"code": COUNTY, "name": "昌乐县"}
    assert (data["week"], data["end"], data["as_of"], data["before"]) == (
        "2026-11-16", "2026-11-22", "2026-11-22", "2026-11-15"
    )  # fmt: skip
    assert [k["key"] for k in data["kpis"]] == [k.key for k in registry.kpis()]
    now = selectors.values(selectors.figures(user=world.county_admin, region_code=COUNTY, as_of=WEEK_END).total)
    assert {k["key"]: k["now"] for k in data["kpis"]} == now

    document = docx_of(report)
    titles = [p.text for p in document.paragraphs if p.style.name == "GW Title"]
    assert titles == ["昌乐县食品安全工作调度周报"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "2026年11月16日" in text and "二、主要指标" in text and "五、逾期事项" in text
    kpi_table = next(t for t in document.tables if table_rows(t)[0] == ["指标", "本周", "上周", "较上周"])
    rows = table_rows(kpi_table)[1:]
    assert rows == [
        [k["label"], documents.fmt_value(k["now"], k["unit"]), documents.fmt_value(k["before"], k["unit"]),
         documents.fmt_change(k["now"], k["before"], k["unit"])]
        for k in data["kpis"]
    ]  # fmt: skip
    found = next(r for r in rows if r[0] == "发现问题")
    assert found[1:] == ["6", "5", "+1"]
    units = next(t for t in document.tables if table_rows(t)[0][0] == "单位")
    assert [r[0] for r in table_rows(units)[1:]] == ["宝都街道", "乔官镇"]
    overdue = next(t for t in document.tables if table_rows(t)[0][0] == "主体")
    assert {r[0] for r in table_rows(overdue)[1:]} == {"站前超市", "乔官饭店"}  # 乔官食品厂's closed on 11-20

    with report.pdf.open("rb") as f:
        assert f.read(5) == b"%PDF-"
    assert report.docx.name.endswith(".docx") and report.pdf.name.endswith(".pdf")


def test_regenerating_replaces_the_archived_report(world, county):
    first = services.generate_dispatch(region=county, week=LAST_WEEK, actor=world.county_admin)
    old_docx = first.docx.name
    second = services.generate_dispatch(region=county, week=LAST_WEEK)  # the scheduler
    assert DispatchReport.objects.count() == 1 and second.pk == first.pk and second.generated_by is None
    assert second.docx.storage.exists(second.docx.name)
    assert old_docx == second.docx.name or not first.docx.storage.exists(old_docx)
    entries = list(AuditEntry.objects.filter(action="dispatch.generate").order_by("at", "id"))
    assert len(entries) == 2
    assert all(e.object_id == str(first.pk) and e.region_code == COUNTY for e in entries)
    assert entries[0].before is None and entries[0].actor == world.county_admin
    assert entries[1].before is not None and entries[1].actor is None
    assert entries[1].after["week"] == "2026-11-16"


def test_a_week_must_start_on_monday(world, county):
    with pytest.raises(ValidationError, match="周一"):
        services.generate_dispatch(region=county, week=LAST_WEEK + datetime.timedelta(days=2))
    assert not DispatchReport.objects.exists()


def test_who_may_generate(world, county):
    # an administrator below the county: out of scope is not found (404), never "forbidden"
    with pytest.raises(Http404):
        services.generate_dispatch(region=county, week=LAST_WEEK, actor=world.township_admin)
    with pytest.raises(Http404):
        services.generate_dispatch(region=county, week=LAST_WEEK, actor=world.boshan_admin)
    # non-administrators may not generate at all, in scope or not
    for user in (world.department, world.station, world.enterprise):
        with pytest.raises(PermissionDenied):
            services.generate_dispatch(region=county, week=LAST_WEEK, actor=user)
    assert not DispatchReport.objects.exists()
    own = services.generate_dispatch(region=Region.objects.get(code=T1), week=LAST_WEEK, actor=world.township_admin)
    assert [u["code"] for u in own.data["units"]] == ["370725001001"]


def test_lagging_units_have_the_lowest_composite_score(world, county):
    data = documents.dispatch_data(region=county, week=LAST_WEEK)
    percent_high = [k.key for k in registry.kpis() if k.unit == "%" and k.better == "high"]
    assert set(percent_high) == {
        "baobao.assigned_rate", "baobao.confirmed_rate", "visits.quarter_rate", "problems.close_rate",
        "duties.daily_rate", "inspections.coverage", "inspections.coverage_floor", "inspections.on_plan",
        "inspections.kitchen_school", "inspections.kitchen_hospital", "inspections.catering_floor",
        "sampling.plan_completion", "sampling.pass_rate", "sampling.disposal_rate", "sampling.disposal_on_time",
        "sampling.producer_coverage", "sampling.published", "sampling.rapid_station_coverage",
        "emergency.first_report_on_time", "emergency.feedback_on_time",
        "complaints.accept_on_time", "complaints.closed_on_time", "complaints.report_on_time",
        "cases.on_time", "cases.filed_rate", "notices.on_time", "credit.insured_priority", "credit.insured_meat",
        "credit.insured_egg", "credit.insured_milk", "credit.insured_baijiu", "credit.insured_school",
        "credit.insured_rural_dinner", "credit.insured_group_meal", "credit.insured_central_kitchen",
        "markets.posted_rate", "markets.stalls_tested", "trace.recall_completion", "trace.recall_confirmation",
        "dinners.insured_rate", "dinners.guidance_rate", "surveys.awareness",
        "duties.staffed_rate", "duties.trained_rate", "knowledge.pass_rate",
        "warnings.closed_on_time",
    }  # fmt: skip

    def score(values):
        scored = [values[k] for k in percent_high if values[k] is not None]
        return round(sum(scored) / len(scored), 1)

    table = selectors.rows(selectors.figures(user=world.county_admin, region_code=COUNTY, as_of=WEEK_END))
    expected = sorted((score(r["values"]), r["code"]) for r in table)
    assert [(u["score"], u["code"]) for u in data["lagging"]] == expected[:3]
    assert [u["code"] for u in data["lagging"]] == [T2, T1]  # 乔官镇: no 承诺书 confirmed, hardly any daily checks
    weak = {w["label"] for w in data["lagging"][0]["weak"]}
    assert "承诺书确认率" in weak and all(w["value"] < w["region"] for w in data["lagging"][0]["weak"])
    assert weak <= {str(registry.kpi(k).label) for k in percent_high}

    town = documents.dispatch_data(region=Region.objects.get(code=T2), week=LAST_WEEK)
    assert [u["code"] for u in town["units"]] == [T2, "370725107201"]
    assert [u["code"] for u in town["lagging"]] == ["370725107201"]  # the directly registered row is not a unit


def test_change_against_last_week_reflects_a_problem_found_this_week(world, county):
    def found(data):
        return next(k for k in data["kpis"] if k["key"] == "problems.found")

    before = documents.dispatch_data(region=county, week=LAST_WEEK)
    in_week = Problem.objects.filter(region__code__startswith=COUNTY, found_on__range=(LAST_WEEK, WEEK_END)).count()
    assert in_week == 1 and found(before)["now"] - found(before)["before"] == in_week
    # one more problem found on Thursday of that week
    b = world.builder
    b.problem(world.e["e9"], world.cadres["c3"], "2026-11-19", "2026-11-21")
    after = documents.dispatch_data(region=county, week=LAST_WEEK)
    assert found(after)["now"] == found(before)["now"] + 1 and found(after)["before"] == found(before)["before"]
    assert documents.fmt_change(found(after)["now"], found(after)["before"], found(after)["unit"]) == "+2"
    overdue = {k["key"]: k for k in before["kpis"]}["problems.overdue"]
    assert next(k for k in after["kpis"] if k["key"] == "problems.overdue")["now"] == overdue["now"] + 1
    assert after["overdue"][0]["total"] == 3 and len(after["overdue"][0]["rows"]) == 3
    assert "乔官超市" in {row[0] for row in after["overdue"][0]["rows"]}


def test_dispatch_report_command(world):
    call_command("dispatch_report", "--region", COUNTY)
    report = DispatchReport.objects.get()
    assert report.region_id == COUNTY and report.week == LAST_WEEK and report.generated_by is None
    call_command("dispatch_report", "--region", COUNTY, "--week", "2026-11-09", "--user", "county")
    assert DispatchReport.objects.get(week="2026-11-09").generated_by == world.county_admin
    with pytest.raises(CommandError, match="999999"):
        call_command("dispatch_report", "--region", "999999")
    with pytest.raises(CommandError):
        call_command("dispatch_report")
    with pytest.raises(CommandError):
        call_command("dispatch_report", "--region", COUNTY, "--week", "2026-11-18")  # a Wednesday
    with pytest.raises(CommandError):
        call_command("dispatch_report", "--region", COUNTY, "--user", "township")  # out of scope
    assert DispatchReport.objects.count() == 2


def test_generate_weekly_for_every_region_with_entities_once(world):
    assert [r.code for r in services.dispatch_regions()] == ["37", "3703", "370304", "3707", COUNTY]
    assert services.generate_weekly() == 5
    made = DispatchReport.objects.filter(week=LAST_WEEK)
    assert sorted(made.values_list("region_id", flat=True)) == ["37", "3703", "370304", "3707", COUNTY]
    assert services.generate_weekly() == 0
    assert DispatchReport.objects.count() == 5
    province = made.get(region_id="37").data
    assert [u["code"] for u in province["units"]] == ["3703", "3707"]
    assert (
        next(k for k in province["kpis"] if k["key"] == "entities.total")["now"] == 10
    )  # on Sunday 11-22: 新开面馆 came later
    call_command("dispatch_report", "--all")
    assert DispatchReport.objects.count() == 5


def dashboard_jobs(ran: list[str]) -> list[str]:
    """The refresh and report jobs among those that ran (the other apps' jobs run beside them)."""
    return [name for name in ran if name in ("dashboard.refresh", "dashboard.weekly_dispatch")]


def monday_at(hour, minute=0):
    return datetime.datetime(2026, 11, 30, hour, minute, tzinfo=CST)


def test_run_schedule_on_monday_morning_runs_both_jobs(world, clock, capsys):
    assert {j.name for j in schedule.jobs()} >= {"dashboard.refresh", "dashboard.weekly_dispatch"}
    clock(monday_at(9))
    call_command("run_schedule", "--once")
    out = capsys.readouterr().out
    assert "dashboard.refresh" in out and "dashboard.weekly_dispatch" in out
    assert set(Snapshot.objects.values_list("region_code", flat=True)) == {"", "37", "3707", "3703"}
    week = datetime.date(2026, 11, 23)
    assert DispatchReport.objects.filter(week=week).count() == 5
    assert DispatchReport.objects.get(region_id=COUNTY, week=week).data["as_of"] == "2026-11-29"
    # due again only once the snapshots age; the reports are done for the week
    assert schedule.run_due(monday_at(9, 2)) == []
    assert dashboard_jobs(schedule.run_due(monday_at(9, 5))) == ["dashboard.refresh"]


def test_before_eight_on_monday_only_the_refresh_runs(world, clock):
    clock(monday_at(7, 59))
    assert dashboard_jobs(schedule.run_due(monday_at(7, 59))) == ["dashboard.refresh"]
    assert not DispatchReport.objects.exists()
    clock(monday_at(8))
    assert dashboard_jobs(schedule.run_due(monday_at(8))) == ["dashboard.weekly_dispatch"]
    assert DispatchReport.objects.count() == 5


def test_a_missed_monday_runs_later_in_the_week(world, clock):
    tuesday = datetime.datetime(2026, 12, 1, 6, 0, tzinfo=CST)
    clock(tuesday)
    assert "dashboard.weekly_dispatch" in schedule.run_due(tuesday)
    assert DispatchReport.objects.filter(week="2026-11-23").count() == 5


def test_weekly_job_still_due_while_a_region_lacks_its_report(world, clock):
    clock(monday_at(7))
    services.generate_dispatch(region=Region.objects.get(code=COUNTY), week=datetime.date(2026, 11, 23))
    clock(monday_at(9))
    assert "dashboard.weekly_dispatch" in schedule.run_due(monday_at(9))
    assert DispatchReport.objects.filter(week="2026-11-23").count() == 5


def test_reports_page_generate_and_download(client, world):
    client.force_login(world.county_admin)
    page = client.get(reverse("dashboard:reports"), {"region": COUNTY})
    assert page.status_code == 200 and page.context["can_generate"]
    assert page.context["weeks"][0] == LAST_WEEK
    response = client.post(reverse("dashboard:report_generate"), {"week": "2026-11-16"})
    report = DispatchReport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#report-{report.pk}")
    download = client.get(reverse("dashboard:report_file", args=[report.pk, "docx"]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    assert client.get(reverse("dashboard:report_file", args=[report.pk, "exe"])).status_code == 404
    bad = client.post(reverse("dashboard:report_generate"), {"week": "2026-11-18"}, follow=True)
    assert "请选择区划和周次" in bad.content.decode() and DispatchReport.objects.count() == 1

    client.force_login(world.department)
    page = client.get(reverse("dashboard:reports"))
    assert page.status_code == 200 and not page.context["can_generate"]
    client.post(reverse("dashboard:report_generate"), {"week": "2026-11-09"}, follow=True)
    assert DispatchReport.objects.count() == 1
