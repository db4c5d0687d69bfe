"""Province defaults for 包保 (docs/domain.md §4): grading rules, level per grade, workloads, department matches.

Grades A-D, A = largest/riskiest (criteria set per city, S3 Jinan); the thresholds below are our defaults,
calibrated so a county comes out near seed 003's shares (A 0.03-0.12 %, B ~0.7 %, C ~4-5 %, D ~94-95 %).
"""

from django.db import migrations

BIG_SALES = ["gt100m"]
MID_SALES = ["10m_100m", "gt100m"]
RULES = [
    {"grade": "A", "label": "年销售额 1 亿元以上、经营面积 2000 平方米以上的食品生产企业", "sub_types": ["food_producer", "additive_producer"], "sales_bands": BIG_SALES, "min_floor_area": 2000},
    {"grade": "A", "label": "年销售额 1 亿元以上的中央厨房、集体用餐配送单位", "sub_types": ["central_kitchen", "group_meal"], "sales_bands": BIG_SALES},
    {"grade": "A", "label": "就餐 3000 人以上的学校食堂", "sub_types": ["school_canteen"], "min_diners": 3000},
    {"grade": "B", "label": "中央厨房、集体用餐配送单位", "sub_types": ["central_kitchen", "group_meal"]},
    {"grade": "B", "label": "婴幼儿配方食品、特殊医学用途配方食品", "sub_types": ["infant_formula", "fsmp"]},
    {"grade": "B", "label": "连锁总部、农贸市场、市场开办者", "sub_types": ["chain_hq", "farmers_market", "market_operator"]},
    {"grade": "B", "label": "年销售额 1 亿元以上的食品生产企业、大型餐馆", "sub_types": ["food_producer", "additive_producer", "large_restaurant"], "sales_bands": BIG_SALES},
    {"grade": "B", "label": "就餐 2000 人以上的学校、医疗机构、养老机构食堂", "sub_types": ["school_canteen", "hospital_canteen", "elderly_canteen"], "min_diners": 2000},
    {"grade": "C", "label": "学校、幼儿园、养老机构、医疗机构食堂", "sub_types": ["school_canteen", "kindergarten_canteen", "elderly_canteen", "hospital_canteen"]},
    {"grade": "C", "label": "年销售额 1000 万元以上的食品生产企业", "sub_types": ["food_producer", "additive_producer", "related_producer"], "sales_bands": MID_SALES},
    {"grade": "C", "label": "大型餐馆", "sub_types": ["large_restaurant"]},
    {"grade": "C", "label": "年销售额 1 亿元以上的超市、批发商、中型餐馆", "sub_types": ["supermarket", "wholesaler", "medium_restaurant"], "sales_bands": BIG_SALES},
    {"grade": "C", "label": "就餐 300 人以上的单位食堂", "business_types": ["canteen"], "min_diners": 300},
]
DEFAULT = {
    "version": 1,
    "grade_rules": RULES,
    "level_for_grade": {"A": "city", "B": "county", "C": "township", "D": "village"},
    # at most 10 entities for a district/county leader (Qingdao, S3); the others are our defaults
    "capacity": {"city": 10, "county": 10, "township": 30, "village": 30},
    # sector correspondence (Qingdao principle 4): these types are guaranteed by their department's cadres
    "department_match": {
        "school_canteen": "education",
        "kindergarten_canteen": "education",
        "hospital_canteen": "health",
        "elderly_canteen": "civil_affairs",
    },
    "note": "省级默认（DOMAIN.md §4）",
}


def create(apps, schema_editor):
    Policy = apps.get_model("baobao", "Policy")
    if not Policy.objects.filter(region__isnull=True).exists():
        Policy.objects.create(region=None, **DEFAULT)


class Migration(migrations.Migration):
    dependencies = [("baobao", "0002_engine")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
