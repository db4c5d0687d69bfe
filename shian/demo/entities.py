"""A realistic, deterministic registry for a demo county (or every county of a province).

Volume data is written in bulk (one audit entry per county), not row by row through services: the demo
is a generator, and every identifier it makes passes the same validators the services use.
"""

import datetime
import random
from bisect import bisect
from decimal import Decimal
from itertools import accumulate

from django.db import connection, transaction
from django.utils import timezone

from shian.core import audit
from shian.core.bulk import insert_rows, reserve_keys
from shian.entities.models import Entity, KeyPerson, License, SalesBand, SubType
from shian.entities.services import DEFAULT_DEPARTMENT, duplicate_key
from shian.entities.validators import make_resident_id, make_uscc
from shian.regions.models import Region

from .boundaries import township_centres
from .names import county_centre, mobile_number, person_name, scatter, short_name, village_short

# sub-type, business type, share of entities (sums to 1), name pattern
MIX = [
    (SubType.SMALL_SHOP, "sales", 0.24, "{place}{word}便利店"),
    (SubType.SMALL_RESTAURANT, "catering", 0.20, "{place}{word}饭店"),
    (SubType.SMALL_EATERY, "small", 0.14, "{place}{surname}记小吃"),
    (SubType.STALL, "small", 0.07, "{surname}{given}食品摊"),
    (SubType.SUPERMARKET, "sales", 0.06, "{place}{word}超市"),
    (SubType.MEDIUM_RESTAURANT, "catering", 0.05, "{county}{word}酒楼"),
    (SubType.SMALL_WORKSHOP, "small", 0.04, "{place}{surname}家{product}作坊"),
    (SubType.WHOLESALER, "sales", 0.03, "{county_full}{word}副食品批发部"),
    (SubType.ONLINE_ONLY, "catering", 0.03, "{word}外卖厨房"),
    (SubType.FOOD_PRODUCER, "production", 0.03, "{city}{word}{product}食品有限公司"),
    (SubType.SCHOOL_PERIPHERY, "sales", 0.02, "{place}{word}文具食品店"),
    (SubType.OFFICE_CANTEEN, "canteen", 0.02, "{county_full}{word}机关食堂"),
    (SubType.SCHOOL_CANTEEN, "canteen", 0.015, "{place}小学食堂"),
    (SubType.KINDERGARTEN_CANTEEN, "canteen", 0.01, "{place}{word}幼儿园食堂"),
    (SubType.LARGE_RESTAURANT, "catering", 0.01, "{county}{word}大酒店"),
    (SubType.HEALTH_FOOD, "special", 0.008, "{place}{word}保健品店"),
    (SubType.ELDERLY_CANTEEN, "canteen", 0.005, "{place}颐养院食堂"),
    (SubType.HOSPITAL_CANTEEN, "canteen", 0.004, "{county_full}{word}医院食堂"),
    (SubType.SITE_CANTEEN, "canteen", 0.004, "{word}建设项目工地食堂"),
    (SubType.FARMERS_MARKET, "market", 0.004, "{place}农贸市场"),
    (SubType.CENTRAL_KITCHEN, "catering", 0.002, "{county}{word}中央厨房"),
    (SubType.GROUP_MEAL, "catering", 0.002, "{city}{word}团餐配送有限公司"),
    (SubType.CHAIN_HQ, "sales", 0.001, "{county}{word}连锁超市有限公司"),
    (SubType.ADDITIVE_PRODUCER, "production", 0.001, "{city}{word}食品添加剂有限公司"),
]
WORDS = "鑫源 福满 金穗 顺发 宏达 惠民 乐购 佳和 兴隆 家乐 宝丰 瑞丰 永盛 华润 和顺 万家 康源 丰泽 聚福 昌盛 恒信 利群 新华 广源 东方 春晖 旺角 嘉禾 益康 盛世".split()
PRODUCTS = "煎饼 豆腐 馒头 糕点 酱菜 粉皮 芝麻油 熟肉".split()
STREETS = "站前街 北环路 新城街 利民街 宝通街 方山路 首阳街 营丘路 孤山街 西环路 乔官路 红河路 五图街 朱刘路".split()
ORG_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Deliberate flaws of the demo county: a real code whose printed check character is wrong (docs/domain.md §3.2)
OVERRIDDEN_USCC = "91350203M0001QAY9B"


# Annual sales by size class (weights for lt1m, 1m_10m, 10m_100m, gt100m): most shops are tiny.
LARGE = {
    "large_restaurant",
    "food_producer",
    "additive_producer",
    "chain_hq",
    "central_kitchen",
    "group_meal",
    "farmers_market",
}
SMALL = {"small_shop", "small_eatery", "stall", "small_workshop", "small_restaurant", "online_only", "school_periphery"}
SALES_WEIGHTS = {"large": (10, 45, 40, 5), "small": (88, 11, 1, 0), "medium": (35, 50, 14, 1)}
# Diners of canteens: (low, high) of a typical one; one in fifty is much larger
DINERS = {
    "school_canteen": (150, 1500), "kindergarten_canteen": (40, 300), "elderly_canteen": (20, 200),
    "hospital_canteen": (80, 800), "office_canteen": (30, 400), "site_canteen": (20, 250),
}  # fmt: skip


# (values, cumulative weights, their total) per size class: what `rng.choices(values, weights=...)` computes per
# call, taken once (the draw below is the same one, so the same seed gives the same bands)
_BANDS = {
    size: (SalesBand.values, list(accumulate(weights)), list(accumulate(weights))[-1] + 0.0)
    for size, weights in SALES_WEIGHTS.items()
}


def _scale(rng: random.Random, sub_type: str) -> tuple[str, int | None]:
    size = "large" if sub_type in LARGE else ("small" if sub_type in SMALL else "medium")
    values, cum_weights, total = _BANDS[size]
    band = values[bisect(cum_weights, rng.random() * total, 0, len(values) - 1)]
    low_high = DINERS.get(sub_type)
    if low_high is None:
        return band, None
    diners = rng.randint(*low_high) * (rng.choice((2, 3)) if rng.random() < 0.02 else 1)
    return band, diners


# The entity columns the generator writes, in the order of its rows (every column: no instance fills defaults)
ENTITY_COLUMNS = [
    "id", "name", "uscc", "uscc_override_reason", "business_type", "sub_type", "floor_area", "diners", "sales_band",
    "address", "region_id", "longitude", "latitude", "status", "department_id", "declared_grade", "grid_id",
    "duplicate_key", "created_at", "updated_at",
]  # fmt: skip


def _pick(rng: random.Random):
    r, acc = rng.random(), 0.0
    for row in MIX:
        acc += row[2]
        if r < acc:
            return row
    return MIX[0]


def _places(county: Region) -> dict:
    """Villages of the county, each with a plausible point: townships spread around the county seat."""
    centre = county_centre(county.code)
    towns = {t.code: t for t in Region.objects.filter(parent=county)}
    town_points = township_centres(county)
    villages = list(Region.objects.filter(parent__in=list(towns), level=Region.Level.VILLAGE).order_by("code"))
    if not villages:  # villages not loaded for this county: use the townships themselves
        villages = [towns[c] for c in sorted(towns)]
    points = {v.code: scatter(random.Random(v.code), town_points.get(v.parent_id, centre), 0.025) for v in villages}
    return {"towns": towns, "villages": villages, "points": points}


def _dates(rng: random.Random, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    issued = today - datetime.timedelta(days=rng.randint(30, 1820))
    return issued, issued + datetime.timedelta(days=5 * 365)


def load_county_entities(
    *, county: Region, seed: int, count: int, today: datetime.date, flaws: bool = False, keys: list | None = None
) -> int:
    """Create one county's registry once; a second run finds it and adds nothing. Returns entities created. `keys`:
    the `count` entity keys reserved beforehand (a province built by several processes reserves every county's in
    county order, so the keys do not depend on which process finished first)."""
    if county_has_entities(county.code):
        return 0
    with transaction.atomic():
        return _generate(county=county, seed=seed, count=count, today=today, flaws=flaws, keys=keys)


def county_has_entities(code: str) -> bool:
    """Whether a county's registry was made (a run that stopped resumes after the counties it committed)."""
    return Entity.objects.filter(region__code__startswith=code).exists()


def _generate(*, county: Region, seed: int, count: int, today: datetime.date, flaws: bool, keys: list | None) -> int:
    rng = random.Random(f"{seed}:{county.code}")
    places = _places(county)
    city = county.parent if county.parent and county.parent.level == Region.Level.CITY else None
    province = Region.objects.filter(code=county.code[:2]).first()
    words = {
        "county": short_name(county.name),
        "county_full": county.name,
        "city": short_name(city.name) if city and city.name != "市辖区" else short_name(county.name),
    }
    prefix = f"{province.name if province else ''}{city.name if city and city.name != '市辖区' else ''}{county.name}"
    entities, plans, seen_names = [], [], set()
    operating, suspended = Entity.Status.OPERATING.value, Entity.Status.SUSPENDED.value
    for i in range(count):
        sub_type, business_type, _share, pattern = _pick(rng)
        village = rng.choice(places["villages"])
        town = places["towns"].get(village.parent_id, village)
        place = short_name(town.name)
        name = pattern.format(
            place=place, word=rng.choice(WORDS), surname=rng.choice("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"),
            given=person_name(rng)[1:], product=rng.choice(PRODUCTS), **words,
        )  # fmt: skip
        if name in seen_names:
            name = f"{name}（{village_short(village.name)}店）"
            if name in seen_names:
                name = f"{name[:-1]}{i}号）"
        seen_names.add(name)
        where = "" if village is town else village_short(village.name)
        address = f"{prefix}{town.name}{where}{rng.choice(STREETS)}{rng.randint(1, 399)}号"
        licensed = business_type != "small"
        uscc = ""
        if licensed or rng.random() < 0.4:
            type_code = "91" if business_type in ("production", "market") or "有限公司" in name else "92"
            body = "".join(rng.choice(ORG_CHARS) for _ in range(8))
            uscc = make_uscc(type_code=type_code, region=county.code, org_base=body)
        lng, lat = scatter(rng, places["points"][village.code], 0.004)
        sales_band, diners = _scale(rng, sub_type)
        # the columns of ENTITY_COLUMNS up to the status (the rest are filled in below)
        entities.append(
            [
                name, uscc, "", business_type, sub_type, Decimal(rng.randint(8, 3000)), diners, sales_band, address,
                village.code, Decimal(f"{lng:.6f}"), Decimal(f"{lat:.6f}"),
                operating if rng.random() > 0.03 else suspended,
            ]
        )  # fmt: skip
        plans.append((licensed, business_type))
    if flaws and len(entities) > 3:
        # what a clerk should find: a checksum override with its reason, and a likely duplicate
        entities[0][1], entities[0][2] = OVERRIDDEN_USCC, "核对营业执照原件，代码与执照一致（演示）"
        twin = entities[2]
        entities[3][0] = twin[0].replace("（", "(").replace("）", ")") + " "
        entities[3][8] = twin[8].replace("号", " 号")
    keys = reserve_keys(Entity, len(entities)) if keys is None else keys
    now = connection.ops.adapt_datetimefield_value(timezone.now())  # one instant for the county's rows
    for key, row in zip(keys, entities, strict=True):
        row[0:0] = (key,)
        row += (DEFAULT_DEPARTMENT.get(row[5]), "", None, duplicate_key(row[1], row[9]), now, now)
    insert_rows(Entity, ENTITY_COLUMNS, entities)

    licenses, people, sc_serial = [], [], 0
    date = connection.ops.adapt_datefield_value
    business, production = License.Kind.BUSINESS.value, License.Kind.PRODUCTION.value
    workshop = License.Kind.WORKSHOP.value
    principal, resident = KeyPerson.Role.PRINCIPAL.value, KeyPerson.IdType.RESIDENT.value
    for i, (key, (licensed, business_type)) in enumerate(zip(keys, plans, strict=True)):
        if business_type == "production":
            sc_serial += 1
            issued, expires = _dates(rng, today)
            number = f"SC1{rng.randint(0, 99):02d}{county.code}{sc_serial:04d}{rng.randint(0, 9)}"
            kind = production
        elif licensed:
            issued, expires = _dates(rng, today)
            number = f"JY{rng.choice('123')}{county.code}{i:06d}{rng.randint(0, 9)}"
            kind = business
        else:
            issued, expires = today - datetime.timedelta(days=rng.randint(30, 900)), None
            number, kind = f"鲁{county.code}食登{i:06d}", workshop
        if expires and i % 97 == 0:  # some licences about to expire
            expires = today + datetime.timedelta(days=rng.choice([12, 45, 80]))
            issued = expires - datetime.timedelta(days=5 * 365)
        licenses.append((key, kind, number, date(issued), date(expires)))
        birth = datetime.date(rng.randint(1960, 1998), rng.randint(1, 12), rng.randint(1, 28))
        people.append(
            (
                key,
                principal,
                person_name(rng),
                resident,
                make_resident_id(region=county.code, birth=birth, seq=rng.randint(1, 999)),
                mobile_number(rng),
            )
        )
    insert_rows(License, ["entity_id", "kind", "number", "issued_on", "expires_on"], licenses)
    insert_rows(KeyPerson, ["entity_id", "role", "name", "id_type", "id_number", "phone"], people)
    audit.record(
        actor=None,
        action="demo.entities",
        object_type="entities.entity",
        region_code=county.code,
        after={"entities": len(entities), "licenses": len(licenses), "key_people": len(people), "seed": seed},
    )
    return len(entities)
