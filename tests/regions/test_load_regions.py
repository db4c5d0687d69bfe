"""Loading the region tree: idempotent, all-or-nothing, clear errors, and the real vendored data."""

import pytest
from django.core.management import CommandError, call_command

from shian.core.models import AuditEntry
from shian.regions.models import Region
from shian.regions.services import load_regions

FILES = {
    "provinces.csv": 'code,name\n37,"山东省"\n44,"广东省"\n',
    "cities.csv": 'code,name,provinceCode\n3707,"潍坊市",37\n4419,"东莞市",44\n',
    "areas.csv": 'code,name,cityCode,provinceCode\n370725,"昌乐县",3707,37\n',
    # 东莞 has no county: its townships (441900nnn) hang under the city when no 441900 row exists.
    "streets.csv": (
        "code,name,areaCode,provinceCode,cityCode\n"
        '370725001,"宝都街道",370725,37,3707\n'
        '441900003,"东城街道",441900,44,4419\n'
    ),
    "villages-37.csv": 'code,name,streetCode,provinceCode,cityCode,areaCode\n370725001001,"站前社区",370725001,37,3707,370725\n',
}
COUNTS = {"省级": 2, "地级": 2, "县级": 1, "乡级": 2, "村级": 1}


def write(tmp_path, **overrides):
    for name, text in {**FILES, **overrides}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def table():
    return sorted(Region.objects.values_list("code", "name", "level", "parent_id"))


@pytest.mark.django_db
def test_load_is_idempotent_and_updates_names(tmp_path):
    counts = load_regions(data_dir=write(tmp_path))
    assert counts == COUNTS
    first = table()
    assert load_regions(data_dir=tmp_path) == counts
    assert table() == first and Region.objects.count() == 8
    write(tmp_path, **{"streets.csv": FILES["streets.csv"].replace("宝都街道", "宝都街道办事处")})
    load_regions(data_dir=tmp_path)
    village = Region.objects.get(code="370725001001")
    assert village.parent.name == "宝都街道办事处" and village.parent.parent_id == "370725"
    assert Region.objects.count() == 8
    assert AuditEntry.objects.filter(action="regions.load").count() == 3
    assert AuditEntry.objects.filter(action="regions.load").first().after == COUNTS


@pytest.mark.django_db
def test_township_of_a_city_without_counties_hangs_under_the_city(tmp_path):
    load_regions(data_dir=write(tmp_path))
    assert Region.objects.get(code="441900003").parent_id == "4419"
    assert not Region.objects.filter(code="441900").exists()  # nothing invented


@pytest.mark.django_db
def test_command_prints_chinese_counts_and_filters_villages(tmp_path, capsys):
    write(tmp_path)
    call_command("load_regions", data_dir=str(tmp_path), villages=["370725002"])
    out = capsys.readouterr().out
    assert "省级 2，地级 2，县级 1，乡级 2，村级 0" in out
    call_command("load_regions", "--villages", "370725", "--data-dir", str(tmp_path))
    assert Region.objects.filter(level=Region.Level.VILLAGE).count() == 1


@pytest.mark.django_db
def test_byte_order_mark_is_tolerated(tmp_path):
    write(tmp_path)
    (tmp_path / "provinces.csv").write_text(FILES["provinces.csv"], encoding="utf-8-sig")
    assert load_regions(data_dir=tmp_path)["省级"] == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "streets.csv",
            'code,name,areaCode\n370725001,"宝都街道",370725\n37072500,"坏代码",370725\n',
            "streets.csv 第 3 行",
        ),
        ("streets.csv", 'code,name,areaCode\n370725001,"",370725\n', "streets.csv 第 2 行：区划“370725001”缺少名称"),
        ("streets.csv", 'code,name,areaCode\n370799001,"孤儿镇",370799\n', "streets.csv 第 2 行：.*上级“370799”不存在"),
        ("streets.csv", 'code,name,areaCode\n370725001,"甲",370725\n370725001,"乙",370725\n', "第 3 行.*与第 2 行重复"),
        ("areas.csv", "code,name\n370725,昌乐县\n", "areas.csv 第 1 行：缺少列"),
        ("villages-37.csv", "code,name,streetCode\n370725001001,站前社区,370725009\n", "villages-37.csv 第 2 行"),
        ("cities.csv", 'code,name,provinceCode\n3707,"潍坊市,37\n', "cities.csv"),
    ],
)
def test_bad_data_names_file_and_line_and_writes_nothing(tmp_path, name, text, message):
    load_regions(data_dir=write(tmp_path))
    before = table()
    audits = AuditEntry.objects.count()
    write(tmp_path, **{name: text})
    (tmp_path / "provinces.csv").write_text('code,name\n37,"山东"\n44,"广东省"\n', encoding="utf-8")  # a rename
    with pytest.raises(CommandError, match=message):
        call_command("load_regions", data_dir=str(tmp_path))
    assert table() == before  # the province rename before the error was rolled back too
    assert AuditEntry.objects.count() == audits


@pytest.mark.django_db
def test_not_utf8(tmp_path):
    write(tmp_path)
    (tmp_path / "cities.csv").write_bytes('code,name,provinceCode\n3707,"潍坊市",37\n'.encode("gbk"))
    with pytest.raises(CommandError, match="cities.csv.*UTF-8"):
        call_command("load_regions", data_dir=str(tmp_path))
    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_missing_file_and_bad_prefix(tmp_path):
    write(tmp_path)
    (tmp_path / "cities.csv").unlink()
    with pytest.raises(CommandError, match="找不到区划数据文件.*cities.csv"):
        call_command("load_regions", data_dir=str(tmp_path))
    with pytest.raises(CommandError, match="前缀"):
        call_command("load_regions", "--villages", "山东", data_dir=str(tmp_path))
    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_real_vendored_tree():
    counts = load_regions(village_prefixes=["370725"])
    assert counts["省级"] >= 31 and counts["地级"] >= 340 and counts["县级"] >= 2800 and counts["乡级"] >= 38000
    townships = Region.objects.filter(parent_id="370725")
    assert townships.count() == 8 and set(townships.values_list("level", flat=True)) == {Region.Level.TOWNSHIP}
    assert Region.objects.filter(code__startswith="370725", level=Region.Level.VILLAGE).count() == counts["村级"] > 300
    assert not Region.objects.exclude(level=Region.Level.PROVINCE).filter(parent__isnull=True).exists()
    assert not Region.objects.filter(level=Region.Level.VILLAGE).exclude(code__startswith="370725").exists()
    # edge cases of docs/domain.md §2: 市辖区, province-run counties, cities without counties
    assert Region.objects.get(code="110105").parent_id == "1101"
    assert Region.objects.get(code="419001").parent.name == "省直辖县级行政区划"
    assert Region.objects.get(code="441900003").parent.parent_id == "4419"
    # every parent is exactly one level up and a prefix of its child
    for level in (2, 3, 4, 5):
        rows = Region.objects.filter(level=level).values_list("code", "parent_id", "parent__level")
        assert all(code.startswith(parent) and plevel == level - 1 for code, parent, plevel in rows)
