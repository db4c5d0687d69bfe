import pytest
from django.core.management import CommandError, call_command

from shian.core.models import AuditEntry
from shian.regions.models import Region
from shian.regions.services import load_regions

FILES = {
    "provinces.csv": 'code,name\n37,"山东省"\n',
    "cities.csv": 'code,name,provinceCode\n3707,"潍坊市",37\n',
    "areas.csv": 'code,name,cityCode,provinceCode\n370725,"昌乐县",3707,37\n',
    "streets.csv": 'code,name,areaCode,provinceCode,cityCode\n370725001,"宝都街道",370725,37,3707\n',
    "villages-37.csv": 'code,name,streetCode,provinceCode,cityCode,areaCode\n370725001001,"站前社区",370725001,37,3707,370725\n',
}


def write(tmp_path, **overrides):
    for name, text in {**FILES, **overrides}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.django_db
def test_load_is_idempotent_and_updates_names(tmp_path):
    counts = load_regions(data_dir=write(tmp_path))
    assert counts == {"省": 1, "市": 1, "县": 1, "乡镇（街道）": 1, "村（社区）": 1}
    assert load_regions(data_dir=tmp_path) == counts
    assert Region.objects.count() == 5
    write(tmp_path, **{"streets.csv": FILES["streets.csv"].replace("宝都街道", "宝都街道办事处")})
    load_regions(data_dir=tmp_path)
    village = Region.objects.get(code="370725001001")
    assert village.parent.name == "宝都街道办事处" and village.parent.parent_id == "370725"
    assert AuditEntry.objects.filter(action="regions.load").count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("streets.csv", 'code,name,areaCode\n37072500,"坏代码",370725\n', "streets.csv 第 2 行"),
        ("streets.csv", 'code,name,areaCode\n370725001,"",370725\n', "缺少名称"),
        ("streets.csv", 'code,name,areaCode\n370799001,"孤儿镇",370799\n', "上级“370799”不存在"),
        ("areas.csv", "code,name\n370725,昌乐县\n", "缺少列"),
    ],
)
def test_bad_data_names_file_and_line_and_writes_nothing(tmp_path, name, text, message):
    write(tmp_path, **{name: text})
    with pytest.raises(CommandError, match=message):
        call_command("load_regions", data_dir=str(tmp_path))
    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_missing_file(tmp_path):
    write(tmp_path)
    (tmp_path / "cities.csv").unlink()
    with pytest.raises(CommandError, match="找不到区划数据文件"):
        call_command("load_regions", data_dir=str(tmp_path))


@pytest.mark.django_db
def test_real_vendored_tree():
    counts = load_regions(village_prefixes=["370725"])
    assert counts["省"] >= 31 and counts["市"] >= 340 and counts["县"] >= 2800 and counts["乡镇（街道）"] >= 38000
    townships = Region.objects.filter(parent_id="370725")
    assert townships.count() == 8 and set(townships.values_list("level", flat=True)) == {Region.Level.TOWNSHIP}
    assert Region.objects.filter(code__startswith="370725", level=Region.Level.VILLAGE).count() == 392
    assert not Region.objects.exclude(level=Region.Level.PROVINCE).filter(parent__isnull=True).exists()
    assert not Region.objects.filter(level=Region.Level.VILLAGE).exclude(code__startswith="370725").exists()
