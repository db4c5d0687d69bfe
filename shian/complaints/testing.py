"""Fixtures of 12315/12345 platform exports (docs/complaints.md §2) for tests, the demo and the benchmark: rows
as the platform lays them out, written to xlsx with the platform's own column names (a title line above the
header, like the real export), so the import reads them the way it reads a clerk's file.

    platform_rows(n, entities=, seed=, today=) -> list[dict]   realistic rows about `entities` (name, uscc,
                                                              address, region) and some unknown shops
    export_xlsx(rows) -> bytes                                  the export file
"""

import datetime
import io
import random

import xlsxwriter

from shian.entities.validators import make_resident_id

HEADERS = ["工单编号", "类型", "来源", "登记时间", "投诉人", "联系电话", "身份证号", "被投诉单位", "统一社会信用代码",
           "被投诉单位地址", "问题类别", "诉求内容"]  # fmt: skip
KEYS = ["source_number", "kind", "channel", "received_at", "informant_name", "phone", "id_number", "entity_name",
        "entity_uscc", "entity_address", "category", "facts"]  # fmt: skip
CATEGORIES = ["餐饮服务", "食品销售", "食品生产加工", "网络订餐", "食用农产品", "保健食品", "小作坊、小摊点"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英"]
COMPLAINT_FACTS = [
    "在该店购买的{food}已过保质期，要求退货并赔偿。",
    "在该店就餐后出现腹泻、呕吐症状，怀疑{food}不洁，要求赔偿医药费。",
    "购买的{food}中发现异物（头发），商家拒绝退换。",
    "外卖送达的{food}有异味，商家不予处理。",
    "购买的{food}标签无生产日期，要求退款。",
]
REPORT_FACTS = [
    "举报该店后厨卫生脏乱，{food}生熟不分，存在老鼠。",
    "举报该店无证经营，现场加工{food}。",
    "举报该店使用过期原料制作{food}。",
    "举报该店从业人员未取得健康证明，直接接触{food}。",
    "举报该店销售来源不明的{food}，无进货票据。",
]
FOODS = ["牛奶", "面包", "熟食", "凉菜", "猪肉", "月饼", "蛋糕", "饮料", "炸鸡", "米线", "烧烤", "豆腐"]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def platform_rows(n: int, *, entities: list[dict], seed: int = 1, today: datetime.date | None = None,
                  unknown_share: float = 0.1, days: int = 300, prefix: str = "12315") -> list[dict]:  # fmt: skip
    """`n` export rows: most about `entities` (dicts with name, uscc, address), a share about unknown shops; one
    in five a report, some of those anonymous; received over the last `days` days."""
    rng = random.Random(seed)
    today = today or datetime.date.today()
    rows = []
    for i in range(n):
        kind = "举报" if rng.random() < 0.2 else "投诉"
        food = rng.choice(FOODS)
        facts = rng.choice(REPORT_FACTS if kind == "举报" else COMPLAINT_FACTS).format(food=food)
        if entities and rng.random() >= unknown_share:
            entity = rng.choice(entities)
            name, uscc, address = (
                entity["name"],
                entity.get("uscc", "") if rng.random() < 0.5 else "",
                entity["address"],
            )
        else:
            name, uscc, address = f"无名{food}店{i % 97}号", "", "某路边"
        anonymous = kind == "举报" and rng.random() < 0.4
        born = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(15000))
        rows.append({
            "source_number": f"{prefix}{today:%Y}{i + 1:08d}",
            "kind": kind,
            "channel": "12345" if rng.random() < 0.3 else "12315",
            "received_at": today - datetime.timedelta(days=rng.randrange(days)),
            "informant_name": "" if anonymous else _name(rng),
            "phone": "" if anonymous else f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
            "id_number": "" if anonymous or rng.random() < 0.5 else make_resident_id(
                region="370725", birth=born, seq=rng.randrange(1, 999)),
            "entity_name": name,
            "entity_uscc": uscc,
            "entity_address": address,
            "category": rng.choice(CATEGORIES),
            "facts": facts + f"（工单{i + 1}）",
        })  # fmt: skip
    return rows


def export_xlsx(rows: list[dict], *, title: str = "12315投诉举报工单导出") -> bytes:
    """The rows as the platform's xlsx export: a title line, the header, then one row per item."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet("工单")
    sheet.write_row(0, 0, [title])
    sheet.write_row(1, 0, HEADERS)
    for r, row in enumerate(rows, 2):
        values = [row.get(key, "") for key in KEYS]
        values = [v.isoformat() if isinstance(v, datetime.date) else ("" if v is None else str(v)) for v in values]
        sheet.write_row(r, 0, values)
    book.close()
    return buffer.getvalue()
