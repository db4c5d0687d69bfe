"""A realistic, deterministic registry for the demo county: names, addresses, codes and coordinates.

Volume data is written in bulk (one audit batch), not row by row through services: the demo is a
generator, and every identifier it makes passes the same validators the services use.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction

from shian.core import audit
from shian.entities.models import Entity, KeyPerson, License, SalesBand, SubType
from shian.entities.services import DEFAULT_DEPARTMENT, duplicate_key
from shian.entities.validators import USCC_CHARSET, make_resident_id, make_uscc
from shian.regions.models import Region

# sub-type, business type, share of entities (sums to 1), name pattern
MIX = [
    (SubType.SMALL_SHOP, "sales", 0.24, "{place}{word}便利店"),
    (SubType.SMALL_RESTAURANT, "catering", 0.20, "{place}{word}饭店"),
    (SubType.SMALL_EATERY, "small", 0.14, "{place}{surname}记小吃"),
    (SubType.STALL, "small", 0.07, "{surname}{given}食品摊"),
    (SubType.SUPERMARKET, "sales", 0.06, "{place}{word}超市"),
    (SubType.MEDIUM_RESTAURANT, "catering", 0.05, "昌乐{word}酒楼"),
    (SubType.SMALL_WORKSHOP, "small", 0.04, "{place}{surname}家{product}作坊"),
    (SubType.WHOLESALER, "sales", 0.03, "昌乐县{word}副食品批发部"),
    (SubType.ONLINE_ONLY, "catering", 0.03, "{word}外卖厨房"),
    (SubType.FOOD_PRODUCER, "production", 0.03, "潍坊{word}{product}食品有限公司"),
    (SubType.SCHOOL_PERIPHERY, "sales", 0.02, "{place}{word}文具食品店"),
    (SubType.OFFICE_CANTEEN, "canteen", 0.02, "昌乐县{word}机关食堂"),
    (SubType.SCHOOL_CANTEEN, "canteen", 0.015, "{place}小学食堂"),
    (SubType.KINDERGARTEN_CANTEEN, "canteen", 0.01, "{place}{word}幼儿园食堂"),
    (SubType.LARGE_RESTAURANT, "catering", 0.01, "昌乐{word}大酒店"),
    (SubType.HEALTH_FOOD, "special", 0.008, "{place}{word}保健品店"),
    (SubType.ELDERLY_CANTEEN, "canteen", 0.005, "{place}颐养院食堂"),
    (SubType.HOSPITAL_CANTEEN, "canteen", 0.004, "昌乐县{word}医院食堂"),
    (SubType.SITE_CANTEEN, "canteen", 0.004, "{word}建设项目工地食堂"),
    (SubType.FARMERS_MARKET, "market", 0.004, "{place}农贸市场"),
    (SubType.CENTRAL_KITCHEN, "catering", 0.002, "昌乐{word}中央厨房"),
    (SubType.GROUP_MEAL, "catering", 0.002, "潍坊{word}团餐配送有限公司"),
    (SubType.CHAIN_HQ, "sales", 0.001, "昌乐{word}连锁超市有限公司"),
    (SubType.ADDITIVE_PRODUCER, "production", 0.001, "潍坊{word}食品添加剂有限公司"),
]
WORDS = "鑫源 福满 金穗 顺发 宏达 惠民 乐购 佳和 兴隆 家乐 宝丰 瑞丰 永盛 华润 和顺 万家 康源 丰泽 聚福 昌盛 恒信 利群 新华 广源 东方 春晖 旺角 嘉禾 益康 盛世".split()
SURNAMES = "王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹".split()
GIVEN = "建国 秀英 志强 海燕 国华 丽娟 永刚 春梅 明亮 玉兰 德胜 桂芝 立新 红霞 文斌 淑珍 晓东 美玲 洪波 凤英".split()
PRODUCTS = "煎饼 豆腐 馒头 糕点 酱菜 粉皮 芝麻油 熟肉".split()
STREETS = "站前街 北环路 新城街 利民街 宝通街 方山路 首阳街 营丘路 孤山街 西环路 乔官路 红河路 五图街 朱刘路".split()
DIRECT_LICENSE = {"production": "SC", "small": None}
# 昌乐县 bounding box, roughly (lng 118.6-119.0, lat 36.4-36.8)
BOX = (118.62, 118.98, 36.45, 36.78)


def _short(village: str) -> str:
    """站前社区居民委员会 -> 站前社区, 乔官村村民委员会 -> 乔官村."""
    for suffix in ("居民委员会", "村民委员会", "居委会", "村委会"):
        village = village.removesuffix(suffix)
    return village


def _pick(rng: random.Random):
    r, acc = rng.random(), 0.0
    for row in MIX:
        acc += row[2]
        if r < acc:
            return row
    return MIX[0]


def _uscc(rng: random.Random, county: str, type_code: str) -> str:
    body = "".join(rng.choice(USCC_CHARSET[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    return make_uscc(type_code=type_code, region=county, org_base=body)


def _license(rng, kind: str, county: str, serial: int, today: datetime.date):
    issued = today - datetime.timedelta(days=rng.randint(30, 1820))
    if kind == "SC":
        number = f"SC1{rng.randint(0, 99):02d}{county}{serial % 10000:04d}{rng.randint(0, 9)}"
    else:
        number = f"JY{rng.choice('123')}{county}{serial % 1000000:06d}{rng.randint(0, 9)}"
    return number, issued, issued + datetime.timedelta(days=5 * 365)


@transaction.atomic
def load_demo_entities(*, county: Region, seed: int, count: int = 8000) -> int:
    """Create the county's registry once; a second run with the same county finds it and adds nothing."""
    if Entity.objects.filter(region__code__startswith=county.code).exists():
        return 0
    rng = random.Random(seed)
    today = datetime.date(2026, 11, 1)
    villages = list(Region.objects.filter(code__startswith=county.code, level=Region.Level.VILLAGE))
    towns = {t.code: t for t in Region.objects.filter(parent=county)}
    entities, plans = [], []
    seen_names = set()
    for i in range(count):
        sub_type, business_type, _share, pattern = _pick(rng)
        village = rng.choice(villages)
        town = towns[village.parent_id]
        place = town.name.removesuffix("街道").removesuffix("镇")
        name = pattern.format(
            place=place,
            word=rng.choice(WORDS),
            surname=rng.choice(SURNAMES),
            given=rng.choice(GIVEN),
            product=rng.choice(PRODUCTS),
        )
        if name in seen_names:
            name = f"{name}（{_short(village.name)}店）"
        seen_names.add(name)
        address = f"山东省潍坊市昌乐县{town.name}{_short(village.name)}{rng.choice(STREETS)}{rng.randint(1, 399)}号"
        licensed = business_type not in ("small",)
        uscc = (
            _uscc(rng, county.code, "91" if business_type in ("production", "market") or "有限公司" in name else "92")
            if licensed or rng.random() < 0.4
            else ""
        )
        entities.append(
            Entity(
                name=name,
                uscc=uscc,
                business_type=business_type,
                sub_type=sub_type,
                address=address,
                region=village,
                floor_area=Decimal(rng.randint(8, 3000)),
                diners=rng.randint(50, 2500) if business_type == "canteen" else None,
                sales_band=rng.choice(SalesBand.values),
                department_id=DEFAULT_DEPARTMENT.get(sub_type),
                longitude=Decimal(f"{rng.uniform(BOX[0], BOX[1]):.6f}"),
                latitude=Decimal(f"{rng.uniform(BOX[2], BOX[3]):.6f}"),
                status=Entity.Status.OPERATING if rng.random() > 0.03 else Entity.Status.SUSPENDED,
                duplicate_key=duplicate_key(name, address),
            )
        )
        plans.append((licensed, business_type, i))
    # deliberate flaws a clerk should find: a checksum override, a likely duplicate
    entities[0].uscc, entities[0].uscc_override_reason = (
        "91350203M0001QAY9B",
        "核对营业执照原件，代码与执照一致（演示）",
    )
    twin = entities[2]
    entities[3].name, entities[3].address = (
        twin.name.replace("（", "(").replace("）", ")") + " ",
        twin.address.replace("号", " 号"),
    )
    entities[3].duplicate_key = duplicate_key(entities[3].name, entities[3].address)
    Entity.objects.bulk_create(entities, batch_size=1000)

    licenses, people = [], []
    for entity, (licensed, business_type, i) in zip(entities, plans, strict=True):
        kind = "SC" if business_type == "production" else ("JY" if licensed else "workshop")
        if kind == "workshop":
            number, issued, expires = f"鲁昌乐登{i:06d}", today - datetime.timedelta(days=400), None
        else:
            number, issued, expires = _license(rng, kind, county.code, i, today)
            if i % 97 == 0:  # some licences about to expire
                expires = today + datetime.timedelta(days=rng.choice([12, 45, 80]))
                issued = expires - datetime.timedelta(days=5 * 365)
        licenses.append(License(entity=entity, kind=kind, number=number, issued_on=issued, expires_on=expires))
        birth = datetime.date(rng.randint(1960, 1998), rng.randint(1, 12), rng.randint(1, 28))
        people.append(
            KeyPerson(
                entity=entity,
                role=KeyPerson.Role.PRINCIPAL,
                name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                id_number=make_resident_id(region=county.code, birth=birth, seq=rng.randint(1, 999)),
                phone=f"1{rng.choice('358')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}",
            )
        )
    License.objects.bulk_create(licenses, batch_size=1000)
    KeyPerson.objects.bulk_create(people, batch_size=1000)
    audit.record(
        actor=None,
        action="demo.entities",
        object_type="entities.entity",
        region_code=county.code,
        after={"entities": len(entities), "licenses": len(licenses), "key_people": len(people), "seed": seed},
    )
    return len(entities)
