"""Name, place and coordinate material shared by the demo generators (entities, people, cadres)."""

import csv
import functools
import math
import random

from django.conf import settings

SURNAMES = "王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 田 董 袁 于 蒋 蔡 魏 薛 杜 丁 姜 崔 任 孔 尹 孟 宫 隋".split()
GIVEN_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国玉兰文斌志海燕红梅德胜立新晓东美玲洪波凤春永宏金鹏辉鑫宇浩凯博林峰云晨欣怡婷雪倩"


def person_name(rng: random.Random) -> str:
    """A plausible Chinese personal name: one- or two-character given name (about 147,000 combinations)."""
    given = rng.choice(GIVEN_CHARS) + (rng.choice(GIVEN_CHARS) if rng.random() < 0.8 else "")
    return rng.choice(SURNAMES) + given


def mobile_number(rng: random.Random) -> str:
    return f"1{rng.choice('358')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"


def short_name(name: str) -> str:
    """昌乐县 -> 昌乐, 潍坊市 -> 潍坊, 市中区 -> 市中: how places name their shops."""
    for suffix in ("自治县", "县", "市", "区", "街道", "镇", "乡"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name.removesuffix(suffix)
    return name


def village_short(name: str) -> str:
    """站前社区居民委员会 -> 站前社区, 乔官村村民委员会 -> 乔官村."""
    for suffix in ("居民委员会", "村民委员会", "居委会", "村委会"):
        name = name.removesuffix(suffix)
    return name


@functools.cache
def _centroids() -> dict[str, tuple[float, float]]:
    path = settings.BASE_DIR / "data" / "regions" / "centroids.csv"
    with open(path, encoding="utf-8", newline="") as f:
        return {row["code"]: (float(row["longitude"]), float(row["latitude"])) for row in csv.DictReader(f)}


def county_centre(code: str) -> tuple[float, float]:
    """The county seat from the vendored centroids, else its city's, else its province's."""
    table = _centroids()
    for key in (code[:6], code[:4] + "00", code[:2] + "0000"):
        if key in table:
            return table[key]
    return (118.8, 36.4)  # Shandong, for regions the table does not know at all


def scatter(rng: random.Random, centre: tuple[float, float], radius: float) -> tuple[float, float]:
    """A point uniformly inside a circle of `radius` degrees around `centre`."""
    r, a = radius * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    return centre[0] + r * math.cos(a), centre[1] + r * math.sin(a) * 0.8
