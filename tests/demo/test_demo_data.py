"""The demo generator's output must pass the registry's own rules and keep seed 003's proportions."""

import datetime
from collections import Counter

import pytest
from django.core.management import call_command

from shian.accounts.models import User
from shian.baobao.models import REGION_LEVEL_OF, AssignmentRun, Cadre, Guarantee
from shian.core.models import DeadlineRule, Notification
from shian.core.selectors import unread_count
from shian.dashboard.models import KpiHistory
from shian.demo.cadres import ENTITIES_PER_CADRE, load_county_cadres
from shian.demo.entities import OVERRIDDEN_USCC, load_county_entities
from shian.demo.names import county_centre
from shian.demo.province import SHANDONG_CITIES, SHANDONG_TOTAL, county_targets
from shian.duties.models import DailyCheck, MonthlyMeeting, StaffingPolicy, WeeklyReport
from shian.entities.models import Entity, KeyPerson, License
from shian.entities.validators import ChecksumWarning, validate_license_number, validate_resident_id, validate_uscc
from shian.regions.models import Region
from shian.regions.services import load_regions
from shian.visits.models import Answer, Problem, Visit

TODAY = datetime.date(2026, 11, 25)


def county(regions):
    return Region.objects.select_related("parent").get(code="370725")


def test_identifiers_are_valid_and_flaws_are_deliberate(regions):
    assert load_county_entities(county=county(regions), seed=7, count=600, today=TODAY, flaws=True) == 600
    for entity in Entity.objects.exclude(uscc=""):
        if entity.uscc == OVERRIDDEN_USCC:
            assert entity.uscc_override_reason
            with pytest.raises(ChecksumWarning):
                validate_uscc(entity.uscc)
        else:
            assert validate_uscc(entity.uscc) == entity.uscc and entity.uscc[2:8] == "370725"
    for lic in License.objects.filter(kind__in=["JY", "SC"]):
        assert validate_license_number(lic.number, today=TODAY) == lic.number
        assert lic.expires_on > lic.issued_on
    for person in KeyPerson.objects.all():
        assert validate_resident_id(person.id_number, today=TODAY) == person.id_number
        assert len(person.phone) == 11
    keys = Counter(Entity.objects.values_list("duplicate_key", flat=True))
    assert max(keys.values()) == 2  # exactly the planted likely duplicate
    assert len(set(Entity.objects.values_list("name", flat=True))) == 600
    soon = License.objects.filter(expires_on__lte=TODAY + datetime.timedelta(days=90))
    assert soon.exists()


def test_coordinates_lie_around_the_county_seat(regions):
    load_county_entities(county=county(regions), seed=1, count=300, today=TODAY)
    lng0, lat0 = county_centre("370725")
    for lng, lat in Entity.objects.values_list("longitude", "latitude"):
        assert abs(float(lng) - lng0) < 0.2 and abs(float(lat) - lat0) < 0.2


def test_same_seed_same_data_and_second_run_adds_nothing(regions):
    load_county_entities(county=county(regions), seed=3, count=200, today=TODAY)
    first = list(Entity.objects.order_by("pk").values_list("name", "uscc", "address"))
    assert load_county_entities(county=county(regions), seed=3, count=200, today=TODAY) == 0
    Entity.objects.all().delete()
    load_county_entities(county=county(regions), seed=3, count=200, today=TODAY)
    assert list(Entity.objects.order_by("pk").values_list("name", "uscc", "address")) == first


def test_cadres_follow_the_seed_ratio_and_sit_at_their_level(regions):
    load_county_entities(county=county(regions), seed=1, count=2000, today=TODAY)
    made = load_county_cadres(county=county(regions), seed=1)
    assert made == Cadre.objects.count()
    assert 2000 / made == pytest.approx(ENTITIES_PER_CADRE, rel=0.1)
    for cadre in Cadre.objects.select_related("region"):
        assert cadre.region.level == REGION_LEVEL_OF[cadre.level]
        assert validate_resident_id(cadre.id_number, today=TODAY) == cadre.id_number
    levels = Counter(Cadre.objects.values_list("level", flat=True))
    assert levels["county"] == 21 and levels["township"] == 2 * 16
    assert Cadre.objects.filter(is_regulator=True, department_id="market_regulation").count() == 4
    assert load_county_cadres(county=county(regions), seed=1) == 0


def test_demo_command_builds_the_county_once(regions):
    call_command("demo", "--today", "2026-11-25")
    assert Entity.objects.count() == 8000
    cadres = Cadre.objects.count()
    assert Cadre.objects.filter(level="city", region_id="3707").count() == 16
    # the demo cadre guarantees the demo enterprise, so one demo walks the whole visit loop
    cadre = Cadre.objects.get(user__username="cadre")
    enterprise = User.objects.get(username="enterprise")
    assert Guarantee.objects.get(entity=enterprise.entity).cadre == cadre
    assert User.objects.get(username="cadre").region_id == cadre.region_id
    # the county opens graded and guaranteed: one published run covering every graded entity
    assert not Entity.objects.filter(grading=None).exists()
    assert AssignmentRun.objects.filter(status="published").count() == 1
    run = AssignmentRun.objects.get()
    assert Guarantee.objects.count() == run.counts["assigned"] == 8000 - run.counts["unassigned"]
    # the test region tree is trimmed, so some entities lack a cadre: each one is named in a shortage
    named = sum(row["entities"] for row in run.shortages if row["reason"] != "fallback")
    assert named == run.counts["unassigned"]
    # visits: most of last quarter done, this quarter under way, problems from 不符合 answers
    last, this = Visit.objects.filter(quarter=20263).count(), Visit.objects.filter(quarter=20264).count()
    assert 0.8 * Guarantee.objects.count() < last and 0.3 * Guarantee.objects.count() < this < last
    assert Problem.objects.count() == Answer.objects.filter(result="fail").count() > 0
    # duties: two weeks of daily records, some businesses more diligent than others
    daily = DailyCheck.objects.count()
    operating = Entity.objects.filter(status="operating").count()
    assert 0.5 * operating * 14 < daily < operating * 14
    assert WeeklyReport.objects.exists() and MonthlyMeeting.objects.exists()
    # the county's badge counts distinct things needing action (escalations grouped per township), not messages
    county_user = User.objects.get(username="county")
    townships = Region.objects.filter(parent_id="370725").count()
    assert Notification.objects.filter(user=county_user).count() > townships
    escalated = Notification.objects.filter(user=county_user, kind="problem.escalated")
    assert escalated.values("group_key").distinct().count() <= townships  # escalations: once per township
    assert 0 < unread_count(user=county_user) < 10  # the other modules' items grouped too: single digits
    # 一张图: a year of KPI history (every Sunday, and each of the last two weeks' days), region by region
    days = set(KpiHistory.objects.filter(region_code="370725").values_list("day", flat=True))
    assert len(days) == 64 and min(days) < datetime.date(2025, 12, 1) and max(days) == datetime.date(2026, 11, 24)
    rows = KpiHistory.objects.count()
    # the rules pages show a county revision still to come (a deadline and the staffing policy), with its reason
    revision = DeadlineRule.objects.get(region_prefix="370725")
    assert revision.reason and revision.valid_from > datetime.date.today()
    assert StaffingPolicy.objects.filter(region_id="370725").count() == 1
    visits = Visit.objects.count()
    call_command("demo")
    assert KpiHistory.objects.filter(day__lte=datetime.date(2026, 11, 24)).count() == rows  # kept days are skipped
    assert DeadlineRule.objects.filter(region_prefix="370725").count() == 1
    assert (Entity.objects.count(), Cadre.objects.count(), Visit.objects.count()) == (8000, cadres, visits)
    assert DailyCheck.objects.count() == daily
    assert AssignmentRun.objects.count() == 1


def test_bad_county_is_a_clear_error(regions):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="不是县级区划"):
        call_command("demo", "--county", "3707")
    with pytest.raises(CommandError, match="省级区划 99 不存在"):
        call_command("demo", "--province", "99")


@pytest.mark.django_db
def test_province_targets_match_seed_003():
    load_regions(village_prefixes=["37"])
    targets = county_targets(Region.objects.get(code="37"))
    assert len(targets) == Region.objects.filter(code__startswith="37", level=Region.Level.COUNTY).count()
    assert sum(targets.values()) == pytest.approx(SHANDONG_TOTAL, abs=len(targets))
    for city, total in SHANDONG_CITIES.items():
        assert sum(n for code, n in targets.items() if code.startswith(city)) == pytest.approx(total, abs=20)
    assert min(targets.values()) > 0


def test_province_scale_multiplies_every_county(regions, monkeypatch):
    """`demo --province 37 --scale N` (the 3× measurement of docs/scaling.md): every county's entities times N;
    a scale without a province, or outside 1–10, is refused with a message naming the flag."""
    from django.core.management.base import CommandError

    from shian.demo import province

    monkeypatch.setattr(province, "county_targets", lambda _province: {"370725": 30})
    made = province.load_province(
        province=Region.objects.get(code="37"), seed=3, today=datetime.date(2026, 11, 25), scale=2
    )
    assert made["entities"] == Entity.objects.filter(region__code__startswith="370725").count() == 60
    with pytest.raises(CommandError, match="--scale 只能与 --province 同用"):
        call_command("demo", "--scale", "3")
    with pytest.raises(CommandError, match="--scale 应为 1 到 10 之间的整数，收到 0"):
        call_command("demo", "--province", "37", "--scale", "0")
    with pytest.raises(CommandError, match="--workers 应为 1 到 16 之间的整数，收到 0"):
        call_command("demo", "--province", "37", "--workers", "0")


def test_province_counties_in_several_processes_keep_the_keys_of_one(monkeypatch):
    """`demo --province --workers 2` (docs/performance.md, province demo build): the counties still to build go to
    forked processes, and come back in county order, each with the entity keys a one-process build would give
    it (reserved first, in county order); a county already built is skipped. The processes are real forks; the
    database is stood in for (a fork cannot share this test's open transaction, so here `_Build.county` only
    reports the keys it got). That the rows themselves are the same was checked on the whole province by md5."""
    import os
    from types import SimpleNamespace

    from shian.demo import province

    build = province._Build({}, {"370701": 3, "370702": 2, "370703": 4}, seed=1, today=TODAY)
    monkeypatch.setattr(province, "connection", SimpleNamespace(vendor="postgresql", in_atomic_block=False))
    monkeypatch.setattr(province, "connections", SimpleNamespace(close_all=lambda: None))
    monkeypatch.setattr(province, "county_has_entities", lambda code: code == "370702")
    monkeypatch.setattr(province, "reserve_keys", lambda model, count: list(range(101, 101 + count)))
    monkeypatch.setattr(province._Build, "county", lambda self, code: (code, (self.keys[code], os.getpid())))
    made = list(province._county_entities(build, ["370701", "370702", "370703"], workers=2))
    assert [code for code, _ in made] == ["370701", "370702", "370703"]
    assert made[1] == ("370702", 0)  # built before: no keys, no process
    assert made[0][1][0] == [101, 102, 103] and made[2][1][0] == [104, 105, 106, 107]
    assert os.getpid() not in {made[0][1][1], made[2][1][1]}  # generated in the forked processes
