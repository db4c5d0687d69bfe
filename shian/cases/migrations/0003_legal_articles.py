"""The small table of commonly cited articles (docs/cases.md §3): summaries to pick from when writing a case's legal
basis; the full text stays the law's. An administrator adds or retires rows in the admin."""

from django.db import migrations

ARTICLES = [
    ("fsl-122", "食品安全法", "第一百二十二条", "未取得食品生产经营许可从事食品生产经营活动",
     "没收违法所得、违法食品和工具设备；货值不足一万元的并处五万元以上十万元以下罚款，一万元以上的十倍以上二十倍以下"),
    ("fsl-123", "食品安全法", "第一百二十三条", "用非食品原料生产食品、添加非食用化学物质、经营病死畜禽等",
     "没收；货值不足一万元的并处十万元以上十五万元以下罚款，一万元以上的十五倍以上三十倍以下；吊销许可证"),
    ("fsl-124", "食品安全法", "第一百二十四条", "生产经营微生物、农药兽药残留、重金属等超标食品，超范围超限量使用食品添加剂",
     "没收；货值不足一万元的并处五万元以上十万元以下罚款，一万元以上的十倍以上二十倍以下；情节严重的吊销许可证"),
    ("fsl-125", "食品安全法", "第一百二十五条", "生产经营被包装材料污染的食品，标签、说明书不符合规定",
     "没收；货值不足一万元的并处五千元以上五万元以下罚款，一万元以上的五倍以上十倍以下；情节严重的责令停产停业"),
    ("fsl-126", "食品安全法", "第一百二十六条", "未按规定进货查验、记录，从业人员健康管理、餐具饮具清洗消毒不符合要求等",
     "责令改正，给予警告；拒不改正的，处五千元以上五万元以下罚款；情节严重的责令停产停业，直至吊销许可证"),
    ("fsl-132", "食品安全法", "第一百三十二条", "未按要求进行食品贮存、运输和装卸",
     "责令改正，给予警告；拒不改正的，处五千元以上五万元以下罚款；情节严重的责令停产停业，直至吊销许可证"),
    ("fsl-133", "食品安全法", "第一百三十三条", "拒绝、阻挠、干涉依法开展的食品安全工作",
     "责令停产停业，并处二千元以上五万元以下罚款；情节严重的吊销许可证"),
    ("fsl-136", "食品安全法", "第一百三十六条", "经营者履行了进货查验等义务，有充分证据证明不知道所采购的食品不符合标准",
     "可以免予处罚，但应当依法没收其不符合食品安全标准的食品"),
    ("apl-33", "行政处罚法", "第三十三条", "违法行为轻微并及时改正，没有造成危害后果的；初次违法且危害后果轻微并及时改正的",
     "不予行政处罚（可以不予行政处罚），应当对当事人进行教育"),
    ("fslr-75", "食品安全法实施条例", "第七十五条", "单位违法情节严重的，对法定代表人、主要负责人、直接负责的主管人员处罚",
     "处以其上一年度从本单位取得收入的一倍以上十倍以下罚款"),
]  # fmt: skip


def seed(apps, schema_editor):
    LegalArticle = apps.get_model("cases", "LegalArticle")
    for code, law, article, summary, penalty in ARTICLES:
        LegalArticle.objects.update_or_create(
            code=code, defaults={"law": law, "article": article, "summary": summary, "penalty": penalty}
        )


def unseed(apps, schema_editor):
    apps.get_model("cases", "LegalArticle").objects.filter(code__in=[a[0] for a in ARTICLES]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_sources_clock_supervision")]

    operations = [migrations.RunPython(seed, unseed)]
