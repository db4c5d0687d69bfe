"""National default deadlines from docs/domain.md §15 (each editable per region by adding a newer version)."""

import datetime

from django.db import migrations

RULES = [
    ("baobao.status_report", "包保主体变动报告", "WD", 15, "DOMAIN §4.5（待核实，可按地方规定调整）"),
    ("baobao.reassign", "包保干部调整重新包保", "WD", 7, "DOMAIN §4.5（待核实，可按地方规定调整）"),
    ("inspection.publish", "监督检查结果公开", "WD", 20, "市场监管总局令第49号（待核实）"),
    ("sampling.to_lab", "样品送达检验机构", "WD", 5, "市场监管总局令第15号（待核实）"),
    ("sampling.report", "出具检验报告", "WD", 20, "市场监管总局令第15号（待核实）"),
    ("sampling.retest_apply", "申请复检", "WD", 7, "市场监管总局令第15号（待核实）"),
    ("sampling.disposal", "不合格食品核查处置", "CD", 90, "市场监管总局令第15号（待核实）"),
    ("complaint.accept", "投诉受理决定", "WD", 7, "市场监管总局令第20号（待核实）"),
    ("complaint.mediation", "投诉调解终结", "WD", 45, "市场监管总局令第20号（待核实）"),
    ("report.check", "举报核查处理决定", "WD", 15, "行政处罚程序规定（待核实）"),
    ("report.notify_informant", "告知实名举报人", "WD", 5, "行政处罚程序规定（待核实）"),
    ("case.decision", "案件作出处理决定", "CD", 90, "行政处罚程序规定（待核实）"),
    ("incident.report", "食品安全事故（含疑似）报告", "h", 2, "昌乐县2024年工作要点（S4）"),
    ("opinion.feedback", "舆情反馈", "h", 24, "昌乐县2024年工作要点（S4）"),
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for code, name, unit, amount, source in RULES:
        DeadlineRule.objects.get_or_create(
            code=code,
            region_prefix="",
            version=1,
            defaults={"name": name, "unit": unit, "amount": amount, "valid_from": datetime.date(2020, 1, 1), "source": source},
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
