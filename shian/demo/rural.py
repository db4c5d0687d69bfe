"""Demo rural dinners and foodborne reports (docs/dinners.md, docs/foodborne.md): the county's 流动厨师 with their
trainings, some certificates expiring within the reminder window; reported dinners over the last months, most
insured, the guided ones visited on the checklist by their grid worker (the next few still open); a hospital's
department account whose reports at one restaurant form a cluster that opened a suspected incident. Everything
goes through the services. Idempotent per county; seeded.

`load_rural(county=, seed=, today=)` returns what it made ({} when the county already has chefs or has no
administrator to act as)."""

import datetime
import random
import uuid

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from shian.accounts.models import Role, User
from shian.dinners.models import Chef, GuidanceTask
from shian.dinners.services import chefs, dinners, guidance
from shian.entities.models import Entity
from shian.entities.validators import make_resident_id
from shian.foodborne.models import Cluster
from shian.foodborne.services import clusters, reports
from shian.regions.models import Region

from .accounts import DEMO_PASSWORD

CHEFS = ["王德厚", "李长顺", "赵金山", "孙玉梅", "周宝林", "吴桂芝", "郑大海", "冯春生"]
OCCASIONS = ["婚宴", "寿宴", "满月酒", "升学宴", "乔迁宴"]
MENUS = ["八大碗、四凉菜、炖鸡、红烧鱼", "凉拌菜四道、扣肉、炸丸子、鲤鱼", "炖排骨、把子肉、时蔬、甜汤"]
SOURCES = ["县城农贸市场（有票据）", "镇农贸市场定点摊位，肉类有检疫证明", "县城超市配送，保留购货凭证"]


def _actor(county: Region) -> User | None:
    return (
        User.objects.filter(role=Role.COUNTY_ADMIN, region=county, is_active=True).order_by("pk").first()
        or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    )


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def load_rural(*, county: Region, seed: int, today: datetime.date) -> dict[str, int]:
    actor = _actor(county)
    if actor is None or Chef.objects.filter(region__code__startswith=county.code).exists():
        return {}
    villages = list(Region.objects.filter(code__startswith=county.code, level=Region.Level.VILLAGE).order_by("code"))
    if not villages:
        return {}
    rng = random.Random(f"{seed}:rural:{county.code}")
    made = {"chefs": 0, "expiring": 0, "dinners": 0, "insured": 0, "guided": 0, "open_tasks": 0, "cases": 0,
            "clusters": 0, "incidents": 0}  # fmt: skip
    with transaction.atomic():
        registry = []
        for n, name in enumerate(CHEFS):
            expiring = n < 2  # two certificates run out within the reminder window
            expires = today + datetime.timedelta(days=rng.randint(5, 20) if expiring else rng.randint(120, 360))
            chef = chefs.add_chef(
                actor=actor, region_code=county.code, name=name, phone=f"139{rng.randint(10_000_000, 99_999_999)}",
                id_number=make_resident_id(region=county.code, birth=datetime.date(1965 + n * 2, 3, 1 + n), seq=n),
                cert_number=f"JK{today.year}{n:04d}", cert_expires_on=expires,
            )  # fmt: skip
            chefs.add_training(actor=actor, chef=chef, held_on=today - datetime.timedelta(days=rng.randint(20, 200)),
                               title="农村集体聚餐食品安全培训", hours=4)  # fmt: skip
            registry.append(chef)
            made["chefs"] += 1
            made["expiring"] += expiring
        for n in range(24):
            upcoming = n >= 21  # the last three are still ahead: their guidance is open
            held = today + datetime.timedelta(days=n - 20) if upcoming else today - datetime.timedelta(days=5 + 7 * n)
            chef = registry[2 + n % (len(registry) - 2)] if upcoming else registry[n % len(registry)]
            if chef.cert_expires_on < held:
                chef = registry[-1]
            insured = rng.random() < 0.85
            village = villages[n * 7 % len(villages)]
            dinner = dinners.report_dinner(
                actor=actor, region_code=village.code, place=f"{village.name}村民{rng.choice('张王李赵刘')}家院内",
                held_on=held, occasion=rng.choice(OCCASIONS), host_name=f"{rng.choice('张王李赵刘')}{rng.choice('建国秀英志强桂兰')}",
                diners=rng.choice([60, 80, 120, 150, 200, 260, 320, 400]), tables=0, chef_id=chef.pk,
                menu=rng.choice(MENUS), sources=rng.choice(SOURCES), insured=insured,
                insurer="中国人保财险" if insured else "", policy_number=f"JC{today.year}{n:05d}" if insured else "",
            )  # fmt: skip
            made["dinners"] += 1
            made["insured"] += insured
            task = GuidanceTask.objects.filter(dinner=dinner).first()
            if task is None:
                continue
            if upcoming:
                made["open_tasks"] += 1
                continue
            guide = task.assignee or actor
            checklist = guidance.checklist_for(task)
            answers = [{"item": item.pk, "result": "pass"} for item in checklist.items.order_by("position")]
            if n % 4 == 0:
                answers[-1] = {**answers[-1], "result": "fail", "note": "未按要求留样，已当场指导补留"}
            guidance.sign_guidance(actor=guide, task=task, client_key=uuid.uuid4(), checklist_id=checklist.pk,
                                   answers=answers, host_signer=dinner.host_name, summary="已现场指导，提醒烧熟煮透。")  # fmt: skip
            made["guided"] += 1
        made |= _foodborne(county, actor, today)
    return made


def _foodborne(county: Region, actor: User, today: datetime.date) -> dict[str, int]:
    """A hospital's reports: three cases after eating at one restaurant (a cluster; the county opens the incident)
    and an unrelated single case."""
    hospital, _created = User.objects.get_or_create(
        username="hospital",
        defaults={"role": Role.DEPARTMENT_STAFF, "region": county, "department_id": "health", "name": "县人民医院",
                  "password": make_password(DEMO_PASSWORD)},
    )  # fmt: skip
    shop = Entity.objects.filter(region__code__startswith=county.code, business_type="catering").order_by("pk").first()
    if shop is None:
        return {}
    now = timezone.now()
    cases = [("张晓明", 2, 30), ("李文华", 1, 26), ("王磊", 2, 20)]
    for name, count, hours in cases:
        reports.report_case(actor=hospital, institution="县人民医院", patient_name=name, patient_count=count,
                            symptoms="腹痛、腹泻、呕吐", suspected_food="凉拌海蜇", entity_id=shop.pk,
                            onset_at=now - datetime.timedelta(hours=hours))  # fmt: skip
    reports.report_case(actor=hospital, institution="县人民医院", patient_name="赵强", symptoms="恶心、头晕",
                        suspected_food="野生蘑菇", suspected_place="自家采摘", region_code=shop.region_id,
                        onset_at=_at(today - datetime.timedelta(days=40), 19))  # fmt: skip
    cluster = Cluster.objects.filter(county=county.code, kind=Cluster.Kind.PLACE).order_by("pk").first()
    opened = 0
    if cluster is not None:
        clusters.open_incident(actor=actor, cluster=cluster)
        opened = 1
    return {
        "cases": sum(c for _n, c, _h in cases) + 1,
        "clusters": Cluster.objects.filter(county=county.code).count(),
        "incidents": opened,
    }
