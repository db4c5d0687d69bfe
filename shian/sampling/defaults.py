"""Seed data of sampling: the default food-category table (version 1, no region). Weights are each category's
share of a plan's batches (they sum to 100); focus names the hazards the seeds stress (docs/domain.md §8:
microbes, heavy metals, pesticide and veterinary residues, 两超一非); `kind` the plan kind the line goes to."""

MICROBES, METALS, PESTICIDES, VET, ADDITIVES, ILLEGAL = (
    "微生物",
    "重金属",
    "农药残留",
    "兽药残留",
    "食品添加剂超范围超限量",
    "非食用物质",
)

CATEGORIES = [
    {"code": "farm_veg", "name": "食用农产品（蔬菜水果）", "weight": 16, "focus": [PESTICIDES, METALS], "kind": "supervision"},
    {"code": "farm_meat", "name": "食用农产品（畜禽肉及副产品）", "weight": 10, "focus": [VET, ILLEGAL], "kind": "supervision"},
    {"code": "farm_aquatic", "name": "食用农产品（水产品）", "weight": 6, "focus": [VET, METALS], "kind": "supervision"},
    {"code": "farm_egg", "name": "食用农产品（鲜蛋）", "weight": 3, "focus": [VET], "kind": "supervision"},
    {"code": "catering", "name": "餐饮食品", "weight": 12, "focus": [MICROBES, ADDITIVES, ILLEGAL], "kind": "supervision"},
    {"code": "grain", "name": "粮食加工品", "weight": 6, "focus": [METALS, "真菌毒素"], "kind": "supervision"},
    {"code": "oil", "name": "食用油、油脂及其制品", "weight": 4, "focus": ["真菌毒素", "酸价过氧化值"], "kind": "supervision"},
    {"code": "condiment", "name": "调味品", "weight": 5, "focus": [ADDITIVES, MICROBES], "kind": "supervision"},
    {"code": "meat_products", "name": "肉制品", "weight": 5, "focus": [ADDITIVES, MICROBES], "kind": "supervision"},
    {"code": "dairy", "name": "乳制品", "weight": 3, "focus": [MICROBES], "kind": "supervision"},
    {"code": "beverage", "name": "饮料", "weight": 4, "focus": [MICROBES, ADDITIVES], "kind": "supervision"},
    {"code": "pastry", "name": "糕点、饼干", "weight": 5, "focus": [MICROBES, ADDITIVES], "kind": "supervision"},
    {"code": "bean", "name": "豆制品", "weight": 3, "focus": [ADDITIVES, MICROBES], "kind": "supervision"},
    {"code": "alcohol", "name": "酒类", "weight": 3, "focus": [ADDITIVES, "甲醇"], "kind": "supervision"},
    {"code": "snack", "name": "薯类和膨化食品、糖果、炒货", "weight": 4, "focus": [ADDITIVES, "酸价过氧化值"], "kind": "supervision"},
    {"code": "special", "name": "特殊食品（保健食品、婴幼儿配方、特医）", "weight": 2, "focus": [ILLEGAL, MICROBES], "kind": "supervision"},
    {"code": "monitoring", "name": "风险监测（重点品种）", "weight": 6, "focus": [MICROBES, METALS, ILLEGAL], "kind": "monitoring"},
    {"code": "evaluation", "name": "评价性抽检（本地主要品种）", "weight": 3, "focus": [PESTICIDES, VET], "kind": "evaluation"},
]  # fmt: skip
