"""The demo's sampling (shian/demo/sampling.py): residents, labs with staff, two years of plans and tasks, samples
taken by the stations' inspectors against the tasks, a realistic pass rate with failures where reports find them,
a disposal per failure (most closed with the 五到位 steps), published results; loaded once."""

import datetime

import pytest
from django.db.models import Count

from shian.demo.accounts import load_demo_accounts, load_demo_grids
from shian.demo.entities import load_county_entities
from shian.demo.inspections import load_inspections
from shian.demo.sampling import RESIDENTS, load_sampling
from shian.entities.models import Entity
from shian.inspections.models import Station
from shian.regions.models import Region
from shian.sampling.models import Disposal, Lab, Sample, SampleResult, SamplingPlan, SamplingTask

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture
def county(regions):
    region = Region.objects.select_related("parent").get(code="370725")
    load_demo_grids(county=region)
    load_county_entities(county=region, seed=5, count=600, today=TODAY)
    Entity.objects.update(created_at=datetime.datetime(2020, 3, 1, tzinfo=datetime.UTC))
    load_demo_accounts(county=region)
    load_inspections(county=region, seed=1, today=TODAY)
    return region


def test_loads_plans_samples_results_and_disposals_once(county):
    made = load_sampling(county=county, seed=1, today=TODAY)
    assert sum(Region.objects.filter(parent=county).values_list("population", flat=True)) == pytest.approx(
        RESIDENTS, rel=0.01
    )
    assert set(SamplingPlan.objects.values_list("year", flat=True)) == {2025, 2026}
    assert all(p.batches == round(p.residents * 5 / 1000) for p in SamplingPlan.objects.all())
    assert Lab.objects.count() == 2 and all(lab.staff.exists() for lab in Lab.objects.all())

    samples = Sample.objects.all()
    assert made["samples"] == samples.count() > 3000
    assert not samples.filter(task__isnull=True).exists()
    assert not samples.filter(sampled_at__date__gt=TODAY).exists()
    station = Station.objects.get()
    inspectors = set(station.inspectors.values_list("pk", flat=True))
    lab_staff = set(Lab.staff.through.objects.values_list("user_id", flat=True))
    pairs = Sample.samplers.through.objects.values("sample_id").annotate(n=Count("user_id"))
    assert {p["n"] for p in pairs} == {2}
    assert set(Sample.samplers.through.objects.values_list("user_id", flat=True)) <= inspectors - lab_staff

    reported = samples.exclude(conclusion="")
    failed = reported.filter(conclusion="fail")
    assert 0.96 < 1 - failed.count() / reported.count() < 0.99
    risky = {"farm_veg", "farm_aquatic", "catering", "farm_meat", "monitoring", "farm_egg"}
    assert failed.filter(category__in=risky).count() > 0.75 * failed.count()
    assert SampleResult.objects.filter(verdict="fail").values("sample").distinct().count() == failed.count()
    assert Disposal.objects.count() == failed.count()
    closed = Disposal.objects.filter(status=Disposal.Status.CLOSED)
    assert closed.count() > 0.7 * failed.count() and all(len(d.steps) == 5 for d in closed)
    assert Disposal.objects.exclude(status=Disposal.Status.CLOSED).exists()
    assert reported.filter(published_at__isnull=False).count() > 0.7 * reported.count()
    assert SamplingTask.objects.filter(status=SamplingTask.Status.DONE).exists()

    assert load_sampling(county=county, seed=1, today=TODAY) == {}
