"""Demo data of disclosure, 你点我检 and rapid tests (docs/sampling.md §5) for one county: a closed campaign whose
winners are plan lines (when the county has a sampling plan for that year) and an open one with proposals and
votes; a rapid-test room at each station with a few months of daily tests (about 3 % positive).

`load_sampling_public(county=..., seed=..., today=...)`: idempotent (nothing when the county already has a
campaign); call it after the inspections demo (stations and inspectors) and after the sampling plan demo."""

import datetime
import random
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shian.accounts.models import ADMIN_ROLES, Role, User
from shian.core import phonecodes
from shian.entities.models import Entity
from shian.inspections.models import Station
from shian.regions.models import Region
from shian.sampling.models import Campaign, Proposal, RapidTest, RapidTestRoom, Vote
from shian.sampling.services import campaigns as campaign_services

MONTHS = 4
TESTS_PER_DAY = (3, 9)
POSITIVE_PCT = 3
# (product, category, rapid-test item): what people ask to test and what a 快检室 checks
FOODS = [
    ("小龙虾", "farm_aquatic", "孔雀石绿"), ("韭菜", "farm_veg", "腐霉利"), ("豆芽", "farm_veg", "6-苄基腺嘌呤"),
    ("鲜猪肉", "farm_meat", "克伦特罗"), ("散装白酒", "condiment", "甲醇"), ("网红奶茶", "catering", "菌落总数"),
    ("校园周边辣条", "catering", "苯甲酸"), ("鸡蛋", "farm_egg", "恩诺沙星"), ("芹菜", "farm_veg", "毒死蜱"),
    ("烧烤", "catering", "苯并[a]芘"), ("豆腐", "grain", "碱性橙"), ("生鲜牛奶", "farm_meat", "三聚氰胺"),
]  # fmt: skip


def load_sampling_public(*, county: Region, seed: int, today: datetime.date) -> dict[str, int]:
    """See the module docstring; returns what was made."""
    if Campaign.objects.filter(region__code__startswith=county.code).exists():
        return {}
    rng = random.Random(f"{seed}:sampling_public:{county.code}")
    counts: Counter = Counter()
    staff = (User.objects.filter(region_id=county.code, role__in=ADMIN_ROLES | {Role.STATION_STAFF}, is_active=True)
             .order_by("pk").first()) or User.objects.filter(is_superuser=True).order_by("pk").first()  # fmt: skip
    with transaction.atomic():
        if staff is not None:
            _campaigns(county, rng, today, staff, counts)
        _rooms(county, rng, today, counts)
    return dict(counts)


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _campaign(county, staff, title, opens, closes, status, foods, rng, votes, counts) -> Campaign:
    c = Campaign.objects.create(region=county, title=title, opens_at=_moment(opens, 9), closes_at=_moment(closes, 18),
                                status=status, winners=3, created_by=staff)  # fmt: skip
    proposals = [Proposal.objects.create(campaign=c, product=p, category=cat, approved=True) for p, cat, _i in foods]
    Proposal.objects.create(campaign=c, product="待审核的建议", approved=False)
    weights = [len(foods) - i for i in range(len(foods))]  # the first foods are the most wanted
    purpose = campaign_services.purpose(c)
    Vote.objects.bulk_create([
        Vote(campaign=c, proposal=rng.choices(proposals, weights)[0],
             phone_hash=phonecodes.phone_digest(purpose, f"139{c.pk:03d}{n:05d}"))
        for n in range(votes)
    ])  # fmt: skip
    counts["campaigns"] += 1
    counts["proposals"] += len(proposals) + 1
    counts["votes"] += votes
    return c


def _campaigns(county, rng, today, staff, counts) -> None:
    foods = rng.sample(FOODS, 8)
    spring = today - datetime.timedelta(days=120)
    closed = _campaign(county, staff, f"{spring.year}年“你点我检”春季活动", spring, spring + datetime.timedelta(days=20),
                       Campaign.Status.CLOSED, foods[:5], rng, 600 + rng.randrange(400), counts)  # fmt: skip
    try:
        lines = campaign_services.make_plan_lines(actor=staff, campaign=closed,
                                                  month=(spring + datetime.timedelta(days=40)).month)  # fmt: skip
        counts["plan_lines"] += len(lines)
    except ValidationError:  # no sampling plan for that year yet: the winners wait for one
        counts["plan_lines_waiting"] += 1
    _campaign(county, staff, f"{today.year}年“你点我检”第二期", today - datetime.timedelta(days=5),
              today + datetime.timedelta(days=25), Campaign.Status.VOTING, foods[3:], rng, 150 + rng.randrange(150),
              counts)  # fmt: skip


def _rooms(county, rng, today, counts) -> None:
    start = today - datetime.timedelta(days=30 * MONTHS)
    for station in Station.objects.filter(region=county).order_by("code"):
        testers = list(station.inspectors.order_by("pk")[:3])
        if not testers:
            continue
        room = RapidTestRoom.objects.create(station=station, name=f"{station.name.removesuffix('市场监管所')}快检室",
                                            since=start - datetime.timedelta(days=365))  # fmt: skip
        townships = [t.code for t in station.townships.all()]
        in_county = Entity.objects.filter(region__code__startswith=county.code, business_type__in=["sales", "catering"])
        entities = [pk for pk, region in in_county.values_list("pk", "region_id").order_by("pk")[:3000]
                    if region.startswith(tuple(townships))][:200] if townships else []  # fmt: skip
        tests = []
        day = start
        while day <= today:
            if day.weekday() < 5:
                for _ in range(rng.randint(*TESTS_PER_DAY)):
                    product, _cat, item = rng.choice(FOODS)
                    tests.append(RapidTest(
                        room=room, day=day, product=product, item=item, tester=rng.choice(testers),
                        entity_id=rng.choice(entities) if entities and rng.random() < 0.6 else None,
                        result=RapidTest.Result.POSITIVE if rng.randrange(100) < POSITIVE_PCT
                        else RapidTest.Result.NEGATIVE,
                    ))  # fmt: skip
            day += datetime.timedelta(days=1)
        RapidTest.objects.bulk_create(tests, batch_size=2000)
        counts["rapid_rooms"] += 1
        counts["rapid_tests"] += len(tests)
