"""Demo cadre rosters in seed 003's proportions.

Shandong reported 167,400 cadres for 1,061,400 entities (about 6.3 entities per cadre), 252 city-level and
2,897 county-level leaders among them (docs/domain.md §4.3): about 16 per city and 21 per county. Each township gets
its leading group, its school, health-centre and civil-affairs heads, and two market-regulation staff; village cadres make up the rest, spread over villages
in proportion to their businesses.
"""

import datetime
import random

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from shian.baobao.models import Cadre, CadreLevel, Guarantee
from shian.core import audit
from shian.core.bulk import insert_rows
from shian.entities.models import Entity
from shian.entities.validators import make_resident_id
from shian.regions.models import Region

from .names import mobile_number, person_name

ENTITIES_PER_CADRE = 1_061_400 / 167_400
# (position, department, is_regulator)
CITY_POSITIONS = [
    ("市委书记", None), ("市长", None), ("市委副书记", None), ("常务副市长", None),
    ("副市长（分管市场监管）", "market_regulation"), ("副市长（分管教育）", "education"),
    ("副市长（分管卫生健康）", "health"), ("副市长（分管民政）", "civil_affairs"), ("副市长（分管商务）", "commerce"),
    ("市委常委", None), ("市委常委", None), ("市委常委", None), ("市委常委", None), ("市委常委", None),
    ("市人大常委会主任", None), ("市政协主席", None),
]  # fmt: skip
COUNTY_POSITIONS = [
    ("{c}委书记", None), ("{c}长", None), ("{c}委副书记", None), ("常务副{c}长", None),
    ("副{c}长（分管市场监管）", "market_regulation"), ("副{c}长（分管教育）", "education"),
    ("副{c}长（分管卫生健康）", "health"), ("副{c}长（分管民政）", "civil_affairs"),
    ("{c}委常委", None), ("{c}委常委", None), ("{c}委常委", None), ("{c}委常委", None), ("{c}委常委", None),
    ("{c}人大常委会主任", None), ("{c}政协主席", None), ("{c}人大常委会副主任", None), ("{c}政协副主席", None),
    ("{c}教育和体育局局长", "education"), ("{c}卫生健康局局长", "health"), ("{c}民政局局长", "civil_affairs"),
    ("{c}商务局局长", "commerce"),
]  # fmt: skip
TOWNSHIP_POSITIONS = [
    "党委书记",
    "{head}",
    "党委副书记",
    "人大主席",
    "{deputy}",
    "{deputy}",
    "{deputy}",
    "党委委员",
    "党委委员",
    "武装部长",
]
# sector cadres in every township, so school, hospital and elderly-care canteens find their department
TOWNSHIP_DEPARTMENTS = [
    ("中心学校校长", "education"), ("中心幼儿园园长", "education"), ("卫生院院长", "health"), ("民政办主任", "civil_affairs"),
]  # fmt: skip
VILLAGE_POSITIONS = ["党支部书记", "村委会主任", "两委成员", "两委成员", "网格长"]


class _Roster:
    """Builds plain Cadre rows (no model instances: a province has 168,000) with distinct, valid resident IDs."""

    COLUMNS = [
        "name", "id_number", "phone", "level", "position", "department_id", "region_id", "is_regulator", "status",
        "created_at", "updated_at",
    ]  # fmt: skip

    def __init__(self, rng: random.Random):
        self.rng, self.rows, self.used = rng, [], set()
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())  # one instant for the roster's rows

    def add(self, *, level, region, id_region, position, department=None, regulator=False):
        rng = self.rng
        while True:
            birth = datetime.date(rng.randint(1965, 1995), rng.randint(1, 12), rng.randint(1, 28))
            id_number = make_resident_id(region=id_region, birth=birth, seq=rng.randint(1, 999))
            if id_number not in self.used:
                break
        self.used.add(id_number)
        region_id = region if isinstance(region, str) else region.pk
        self.rows.append(
            (
                person_name(rng), id_number, mobile_number(rng), str(level), position, department, region_id,
                regulator, Cadre.Status.ACTIVE.value, self.now, self.now,
            )
        )  # fmt: skip

    def save(self, *, action: str, region_code: str, seed: int) -> int:
        insert_rows(Cadre, self.COLUMNS, self.rows)
        audit.record(
            actor=None,
            action=action,
            object_type="baobao.cadre",
            region_code=region_code,
            after={"cadres": len(self.rows), "seed": seed},
        )
        return len(self.rows)


@transaction.atomic
def load_city_cadres(*, city: Region, seed: int) -> int:
    if Cadre.objects.filter(region=city).exists():
        return 0
    roster = _Roster(random.Random(f"{seed}:cadres:{city.code}"))
    for position, department in CITY_POSITIONS:
        roster.add(
            level=CadreLevel.CITY, region=city, id_region=f"{city.code}00", position=position, department=department
        )
    return roster.save(action="demo.cadres", region_code=city.code, seed=seed)


@transaction.atomic
def load_county_cadres(*, county: Region, seed: int) -> int:
    """County leaders, township groups and village cadres for the county's registered businesses."""
    if Cadre.objects.filter(region__code__startswith=county.code).exists():
        return 0
    roster = _Roster(random.Random(f"{seed}:cadres:{county.code}"))
    c = "区" if county.name.endswith("区") else ("市" if county.name.endswith("市") else "县")
    for position, department in COUNTY_POSITIONS:
        roster.add(
            level=CadreLevel.COUNTY,
            region=county,
            id_region=county.code,
            position=position.format(c=c),
            department=department,
        )
    towns = list(county.children.order_by("code"))
    for town in towns:
        head = {"街道": "街道办事处主任", "乡": "乡长"}.get(
            town.name[-2:] if town.name.endswith("街道") else town.name[-1:], "镇长"
        )
        for position in TOWNSHIP_POSITIONS:
            text = position.format(head=head, deputy=head.replace("主任", "副主任") if "主任" in head else "副" + head)
            roster.add(level=CadreLevel.TOWNSHIP, region=town, id_region=county.code, position=text)
        for position, department in TOWNSHIP_DEPARTMENTS:
            roster.add(
                level=CadreLevel.TOWNSHIP, region=town, id_region=county.code, position=position, department=department
            )
        for position in ("市场监管所所长", "市场监管所监管员"):
            roster.add(
                level=CadreLevel.TOWNSHIP,
                region=town,
                id_region=county.code,
                position=position,
                department="market_regulation",
                regulator=True,
            )
    per_village = dict(
        Entity.objects.filter(region__code__startswith=county.code, region__level=Region.Level.VILLAGE)
        .values_list("region_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    total = sum(per_village.values())
    wanted = max(0, round(total / ENTITIES_PER_CADRE) - len(roster.rows))
    for code in sorted(per_village):  # a village's key is its code
        for k in range(max(1, round(per_village[code] * wanted / total))):
            position = VILLAGE_POSITIONS[k % len(VILLAGE_POSITIONS)]
            roster.add(level=CadreLevel.VILLAGE, region=code, id_region=county.code, position=position)
    return roster.save(action="demo.cadres", region_code=county.code, seed=seed)


@transaction.atomic
def link_cadre_login(*, user, entity=None) -> Cadre | None:
    """Bind the demo cadre account to the cadre who guarantees `entity` (the demo enterprise's, so one demo
    walks the whole visit loop), moving the account to that cadre's region; else to a cadre of its village."""
    if user is None or Cadre.objects.filter(user=user).exists():
        return None
    guarantee = Guarantee.objects.filter(entity=entity, cadre__user__isnull=True).first() if entity else None
    cadre = guarantee.cadre if guarantee else None
    if cadre is None:
        cadre = Cadre.objects.filter(region=user.region, user__isnull=True).order_by("pk").first()
    if cadre is not None:
        cadre.user = user
        cadre.save(update_fields=["user", "updated_at"])
        if user.region_id != cadre.region_id:
            user.region_id = cadre.region_id
            user.save(update_fields=["region"])
    return cadre
