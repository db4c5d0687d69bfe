"""Issue 24: all warning rules over a province's daily events in PostgreSQL (`run_warnings --json`, < 60 s).

A synthetic province (bulk inserts, no signals): counties of townships, operating businesses with a licence each
(some expired), the high-risk share graded C/D with open inspection tasks (some overdue) and 包保 guarantees (some
visits missed), and a realistic backlog at daily rates — a year of inspections (some 不符合) and cases, 210 days of
complaints (the baseline rule's window and history), 30 days of samples (some failed), 7 days of public-opinion
items — the last day being "today's events". Then, at one instant:

- `first`: the first run raises every hit of the backlog (the worst case: a platform switched on with a history),
  in bulk; `cold` repeats its raised count and time with the milliseconds per raised warning;
- `second`: the same instant again, which must raise, merge and escalate nothing (idempotent);
- `daily`: one more day of events at the daily rates, run a day later (the steady state the scheduler sees).

Sizes default to a province like Shandong (BENCH_WARN_ENTITIES 1,060,000 businesses, rates per day below);
BENCH_WARN_SCALE=0.05 shrinks every size and rate together. BENCH_PG_URL=... uses an existing database."""

import datetime
import io
import json
import os
import random
import time

from common import django_setup, emit, manage, scratch_pg

SCALE = float(os.environ.get("BENCH_WARN_SCALE", "1"))
ENTITIES = int(int(os.environ.get("BENCH_WARN_ENTITIES", "1060000")) * SCALE)
COUNTIES = max(1, int(136 * min(1.0, SCALE * 4)))
TOWNSHIPS_PER_COUNTY = 12
# events per day at province scale (Shandong: ~1M inspections, ~400k sample batches, ~300k food complaints a year)
PER_DAY = {"inspections": 2700, "samples": 1100, "complaints": 800, "cases": 55, "opinions": 40}
RATES = {k: max(1, int(v * SCALE)) for k, v in PER_DAY.items()}
HISTORY = {"inspections": 365, "samples": 30, "complaints": 210, "cases": 365, "opinions": 7}
SHARES = {"high_risk": 0.08, "task_overdue": 0.10, "visit_missed": 0.05, "licence_expired": 0.015,
          "nonconform": 0.05, "sample_fail": 0.03, "complaint_matched": 0.8, "opinion_entity": 0.5}  # fmt: skip
BATCH = 20000
TARGET_S = 60
CATEGORIES = ["condiment", "meat", "grain", "dairy", "vegetable", "beverage", "aquatic", "bakery"]


def _bulk(model, rows) -> int:
    n, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= BATCH:
            model.objects.bulk_create(chunk, batch_size=BATCH)
            n += len(chunk)
            chunk = []
    if chunk:
        model.objects.bulk_create(chunk, batch_size=BATCH)
        n += len(chunk)
    return n


def build(now: datetime.datetime, rng: random.Random) -> dict:
    """The synthetic province; returns the row counts and the ids the daily batch needs."""
    from shian.accounts.models import Role, User
    from shian.baobao.models import AssignmentRun, Cadre, Guarantee
    from shian.checklists.models import Checklist
    from shian.entities.models import Entity, License
    from shian.inspections.models import InspectionTask, RiskFactorSet, RiskGrade, RiskScheme, Station
    from shian.regions.models import Region
    from shian.visits.models import Visit

    counts = {}
    province = Region.objects.get_or_create(code="37", defaults={"name": "山东省", "level": 1})[0]
    towns = []
    regions = []
    for c in range(COUNTIES):
        city_code = f"37{c // 9 + 1:02d}"
        county_code = f"{city_code}{c % 9 + 1:02d}"
        regions.append(Region(code=city_code, name=f"合成市{city_code}", level=2, parent_id=province.code))
        regions.append(Region(code=county_code, name=f"合成县{county_code}", level=3, parent_id=city_code))
        for t in range(TOWNSHIPS_PER_COUNTY):
            town = f"{county_code}{t + 1:03d}"
            towns.append(town)
            regions.append(Region(code=town, name=f"合成镇{town}", level=4, parent_id=county_code))
    Region.objects.bulk_create(regions, ignore_conflicts=True)
    counts["townships"] = len(towns)
    staff = User.objects.create_user(username="bench-staff", password=None, role=Role.STATION_STAFF, region_id="37")
    stations = []
    for i, town in enumerate(towns[::3]):
        station = Station.objects.create(code=f"B{i}", name=f"合成所{i}", region_id=town[:6])
        station.townships.add(*towns[3 * i : 3 * i + 3])
        stations.append(station)
    checklist = Checklist.objects.filter(kind="insp_catering").order_by("version").first()
    visit_checklist = Checklist.objects.filter(region__isnull=True).exclude(kind__startswith="insp").first()
    scheme = RiskScheme.objects.filter(region__isnull=True).order_by("version").first()
    factors = RiskFactorSet.objects.get_or_create(sha256=RiskFactorSet.digest([]), defaults={"factors": []})[0]

    today = now.date()
    counts["entities"] = _bulk(Entity, (
        Entity(name=f"合成主体{i}", region_id=towns[i % len(towns)], business_type="catering",
               sub_type="small_restaurant", address="经营地址")
        for i in range(ENTITIES)))  # fmt: skip
    ids = list(Entity.objects.order_by("pk").values_list("pk", "region_id"))
    counts["licences"] = _bulk(License, (
        License(entity_id=pk, kind="JY", number=f"JY{pk}",
                expires_on=today + datetime.timedelta(days=-rng.randint(1, 300) if rng.random() < SHARES[
                    "licence_expired"] else rng.randint(1, 1800)))
        for pk, _r in ids))  # fmt: skip
    risky = [(pk, r) for pk, r in ids if rng.random() < SHARES["high_risk"]]
    counts["graded_cd"] = _bulk(RiskGrade, (
        RiskGrade(entity_id=pk, scheme=scheme, static_score=0, dynamic_score=0, total=0, computed_band=b, band=b,
                  factor_set=factors, graded_at=now)
        for pk, _r in risky for b in [rng.choice("CD")]))  # fmt: skip
    counts["tasks"] = _bulk(InspectionTask, (
        InspectionTask(entity_id=pk, region_id=r, due_on=today + datetime.timedelta(
            days=-rng.randint(1, 60) if rng.random() < SHARES["task_overdue"] else rng.randint(1, 90)))
        for pk, r in risky))  # fmt: skip
    run = AssignmentRun.objects.create(region_id="37", status=AssignmentRun.Status.PUBLISHED)
    cadres = {t: Cadre(name=f"干部{t}", level="township", region_id=t) for t in towns}
    Cadre.objects.bulk_create(cadres.values())
    since = today - datetime.timedelta(days=400)
    counts["guarantees"] = _bulk(Guarantee, (Guarantee(entity_id=pk, cadre=cadres[r], run=run, since=since)
                                             for pk, r in risky))  # fmt: skip
    from shian.core.periods import previous_quarter, quarter_bounds, quarter_of

    last_q = previous_quarter(quarter_of(today))
    visit_day = quarter_bounds(last_q)[0] + datetime.timedelta(days=10)
    signed = datetime.datetime.combine(visit_day, datetime.time(10), tzinfo=now.tzinfo)
    counts["visits"] = _bulk(Visit, (
        Visit(entity_id=pk, cadre=cadres[r], region_id=r, checklist=visit_checklist, started_at=signed,
              signed_at=signed, visited_on=visit_day, quarter=last_q, signer_name="干部", signed_by=staff)
        for pk, r in risky if rng.random() >= SHARES["visit_missed"]))  # fmt: skip
    counts.update(events(ids, now, HISTORY, rng, staff, checklist))
    return {"counts": counts, "ids": ids, "staff": staff, "checklist": checklist, "stations": len(stations)}


def events(ids, now: datetime.datetime, days: dict, rng: random.Random, staff, checklist, tag: str = "") -> dict:
    """`days[kind]` days of events before `now` at the daily rates."""
    from shian.cases.models import Case
    from shian.complaints.models import Complaint
    from shian.emergency.models import Opinion
    from shian.inspections.models import Inspection, Outcome
    from shian.sampling.models import Sample

    def moments(kind):
        for d in range(days[kind]):
            for i in range(RATES[kind]):
                yield i, now - datetime.timedelta(days=d, seconds=rng.randint(60, 86000))

    def pick():
        return ids[rng.randrange(len(ids))]

    out = {}
    out["inspections"] = _bulk(Inspection, (
        Inspection(entity_id=e, region_id=r, kind="routine", inspected_on=at.date(), checklist=checklist,
                   outcome=Outcome.NONCONFORM if rng.random() < SHARES["nonconform"] else Outcome.CONFORM,
                   started_at=at, signed_at=at, signer_name="检查员", signed_by=staff)
        for _i, at in moments("inspections") for e, r in [pick()]))  # fmt: skip
    out["samples"] = _bulk(Sample, (
        Sample(number=f"BS{tag}-{at.timestamp():.0f}-{i}", entity_id=e, region_id=r, category=rng.choice(CATEGORIES),
               product="合成样品", quantity="1", sampled_at=at, to_lab_due=at, created_by=staff,
               conclusion=Sample.Conclusion.FAIL if rng.random() < SHARES["sample_fail"] else Sample.Conclusion.PASS)
        for i, at in moments("samples") for e, r in [pick()]))  # fmt: skip
    out["complaints"] = _bulk(Complaint, (
        Complaint(number=f"BC{tag}-{at.timestamp():.0f}-{i}", kind="complaint", channel="hotline", region_id=r,
                  entity_id=e if rng.random() < SHARES["complaint_matched"] else None, facts="合成诉求",
                  received_at=at)
        for i, at in moments("complaints") for e, r in [pick()]))  # fmt: skip
    out["cases"] = _bulk(Case, (
        Case(number=f"BA{tag}-{at.timestamp():.0f}-{i}", region_id=r, entity_id=e, title="合成案由", opened_at=at,
             decision_due=at + datetime.timedelta(days=90), created_by=staff)
        for i, at in moments("cases") for e, r in [pick()]))  # fmt: skip
    out["opinions"] = _bulk(Opinion, (
        Opinion(number=f"BO{tag}-{at.timestamp():.0f}-{i}", region_id=r,
                entity_id=e if rng.random() < SHARES["opinion_entity"] else None, source_url="https://example.invalid/",
                title="合成舆情", summary="合成", found_at=at, feedback_due=at, created_by=staff)
        for i, at in moments("opinions") for e, r in [pick()]))  # fmt: skip
    return out


def command(at: datetime.datetime) -> dict:
    from django.core.management import call_command

    out = io.StringIO()
    started = time.perf_counter()
    call_command("run_warnings", "--at", at.isoformat(), "--json", stdout=out)
    seconds = time.perf_counter() - started
    lines = [line for line in out.getvalue().splitlines() if line.strip().startswith("{")]
    return {"seconds": round(seconds, 2), "result": json.loads(lines[-1]) if lines else None}


def measure() -> dict:
    from django.db import connection
    from django.utils import timezone

    rng = random.Random(24)
    now = timezone.now().replace(microsecond=0)
    started = time.perf_counter()
    world = build(now, rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    load_s = round(time.perf_counter() - started, 1)
    first = command(now)
    raised = (first["result"] or {}).get("raised", 0)
    # the cold run: warnings raised in bulk (docs/warnings.md §3), the time per raised warning beside its count
    cold = {"raised": raised, "seconds": first["seconds"],
            "ms_per_raised": round(1000 * first["seconds"] / raised, 1) if raised else None}  # fmt: skip
    second = command(now)
    tomorrow = now + datetime.timedelta(days=1)
    one_day = {k: 1 for k in HISTORY}
    added = events(world["ids"], tomorrow, one_day, rng, world["staff"], world["checklist"], tag="d")
    daily = command(tomorrow)
    return {
        "scale": SCALE, "entities": ENTITIES, "counties": COUNTIES, "per_day": RATES, "rows": world["counts"],
        "load_s": load_s, "cold": cold, "first": first, "second": second, "daily_added": added, "daily": daily,
        "target_s": TARGET_S, "within_target": max(first["seconds"], daily["seconds"]) < TARGET_S,
    }  # fmt: skip


with scratch_pg() as url:
    env = {**os.environ, "DATABASE_URL": url}
    if not os.environ.get("BENCH_PG_URL"):
        manage(env, "migrate", "--noinput", "-v0")
    django_setup(url)
    emit("warnings", **measure())
