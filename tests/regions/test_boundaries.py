"""Region boundaries (一张图): checked GeoJSON loads, scoped reads, the API, and the demo's schematic cells."""

import copy
import io
import json
import math

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.http import Http404
from django.test import Client
from django.urls import reverse

from shian.accounts.models import Role
from shian.core.models import AuditEntry
from shian.demo.boundaries import RADIUS, SQUASH, county_boundaries, township_centres
from shian.demo.management.commands.demo import BOUNDARY_SOURCE
from shian.demo.management.commands.demo import Command as DemoCommand
from shian.demo.names import county_centre
from shian.regions import selectors
from shian.regions.management.commands.load_boundaries import Command as LoadBoundaries
from shian.regions.models import Boundary, Region
from shian.regions.services import BoundaryDataError, load_boundaries


def square(x, y, size=0.01):
    return [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]


def feature(properties, geometry):
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


GOOD = [
    feature({"code": "370725001", "name": "宝都街道"}, {"type": "Polygon", "coordinates": square(118.8, 36.7)}),
    feature({"adcode": 370725107}, {"type": "Polygon", "coordinates": square(118.9, 36.6)}),  # DataV style
    feature(
        {"code": 370304001, "name": "城东街道"},
        {"type": "MultiPolygon", "coordinates": [square(117.8, 36.5), square(117.9, 36.5)]},
    ),
]


def write(tmp_path, doc, name="towns.geojson"):
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def table():
    return sorted((b.region_id, json.dumps(b.geometry, sort_keys=True), b.source) for b in Boundary.objects.all())


@pytest.fixture
def loaded(regions, tmp_path):
    load_boundaries(path=write(tmp_path, collection(*GOOD), "good.geojson"), source="测试数据")


def test_load_creates_then_reload_updates_without_duplicates(regions, tmp_path):
    path = write(tmp_path, collection(*GOOD))
    assert load_boundaries(path=path, source="测试数据") == {"created": 3, "updated": 0}
    first = table()
    assert [row[0] for row in first] == ["370304001", "370725001", "370725107"]
    stored = Boundary.objects.get(region_id="370304001")
    assert stored.geometry == GOOD[2]["geometry"] and stored.source == "测试数据"
    stamp = stored.loaded_at
    assert load_boundaries(path=path, source="测试数据") == {"created": 0, "updated": 3}
    assert table() == first and Boundary.objects.count() == 3  # only the timestamps moved
    assert Boundary.objects.get(region_id="370304001").loaded_at >= stamp
    entries = AuditEntry.objects.filter(action="boundaries.load").order_by("pk")
    assert entries.count() == 2
    assert entries[0].actor is None and entries[0].actor_name == "system" and entries[0].region_code == "37"
    assert entries[0].after["created"] == 3 and entries[0].after["created_codes"][0] == "370304001"
    assert entries[1].after["updated"] == 3 and entries[1].after["sha256"] == entries[0].after["sha256"]


def test_padded_codes_and_new_source_update(regions, tmp_path):
    padded = [
        feature({"adcode": 370700}, {"type": "Polygon", "coordinates": square(119.0, 36.5, 0.5)}),  # 潍坊市 -> 3707
        feature({"code": "370725000000"}, {"type": "Polygon", "coordinates": square(118.8, 36.6, 0.2)}),
    ]
    assert load_boundaries(path=write(tmp_path, collection(*padded)), source="DataV") == {"created": 2, "updated": 0}
    assert set(Boundary.objects.values_list("region_id", flat=True)) == {"3707", "370725"}
    load_boundaries(path=write(tmp_path, collection(padded[1])), source="天地图")
    assert Boundary.objects.get(region_id="370725").source == "天地图"
    assert Boundary.objects.get(region_id="3707").source == "DataV"


def bad_geometry(geometry):
    return feature({"code": "370725001"}, geometry)


def ring_with(position, at=2):
    ring = square(118.8, 36.7)[0]
    ring[at] = position
    return {"type": "Polygon", "coordinates": [ring]}


BAD_THIRD = [
    (feature({"name": "无代码"}, {"type": "Polygon", "coordinates": square(1, 1)}), "第 3 个要素：属性中缺少区划代码"),
    (feature(None, {"type": "Polygon", "coordinates": square(1, 1)}), "第 3 个要素：属性中缺少区划代码"),
    (
        feature({"code": "370725999"}, {"type": "Polygon", "coordinates": square(1, 1)}),
        "第 3 个要素：区划代码“370725999”不在区划表中（请先运行 python manage.py load_regions）",
    ),
    (
        feature({"adcode": "37072"}, {"type": "Polygon", "coordinates": square(1, 1)}),
        "第 3 个要素：区划代码“37072”应为 2、4、6、9 或 12 位数字",
    ),
    (
        feature({"code": "370725001"}, {"type": "Polygon", "coordinates": square(1, 1)}),
        "第 3 个要素：区划代码“370725001”与第 1 个要素重复",
    ),
    ({"type": "Point", "coordinates": [1, 2]}, "第 3 个要素：不是 GeoJSON Feature"),
    (bad_geometry(None), "第 3 个要素（370725001）：缺少几何图形"),
    (bad_geometry({"type": "Point", "coordinates": [118.8, 36.7]}), "几何类型为“Point”，应为 Polygon 或 MultiPolygon"),
    (bad_geometry({"type": "Polygon", "coordinates": []}), "第 3 个要素（370725001）：没有坐标环"),
    (
        bad_geometry({"type": "Polygon", "coordinates": [[[1, 1], [2, 1], [1, 1]]]}),
        "第 3 个要素（370725001）：第 1 个环至少需要 4 个坐标点",
    ),
    (
        bad_geometry({"type": "Polygon", "coordinates": [[[1, 1], [2, 1], [2, 2], [1, 2]]]}),
        "第 3 个要素（370725001）：第 1 个环未闭合",
    ),
    (bad_geometry(ring_with("118.8,36.7")), "第 1 个环第 3 个坐标点：应为两个数值"),
    (bad_geometry(ring_with([118.8, 36.7, 10])), "第 1 个环第 3 个坐标点：应为两个数值"),
    (bad_geometry(ring_with([118.8, "36.7"])), "第 3 个坐标点：应为两个有限数值"),
    (bad_geometry(ring_with([118.8, float("nan")])), "第 3 个坐标点：应为两个有限数值"),
    (bad_geometry(ring_with([200, 36.7])), "第 3 个坐标点：经度 200 超出 -180 至 180 的范围"),
    (bad_geometry(ring_with([118.8, -91])), "第 3 个坐标点：纬度 -91 超出 -90 至 90 的范围"),
    (
        bad_geometry({"type": "MultiPolygon", "coordinates": [square(1, 1), [[[1, 1], [2, 1], [2, 2], [1, 1.5]]]]}),
        "第 3 个要素（370725001）：第 2 个多边形第 1 个环未闭合",
    ),
]


@pytest.mark.parametrize(("bad", "message"), BAD_THIRD)
def test_bad_feature_is_named_and_nothing_is_written(loaded, tmp_path, bad, message):
    before, audits = table(), AuditEntry.objects.count()
    changed = copy.deepcopy(GOOD)
    changed[1]["geometry"]["coordinates"] = square(118.95, 36.65)  # would be an update if the file were good
    path = write(tmp_path, collection(changed[0], changed[1], bad, changed[2]))
    with pytest.raises(BoundaryDataError) as exc:
        load_boundaries(path=path, source="坏文件")
    assert message in str(exc.value)
    assert table() == before and AuditEntry.objects.count() == audits


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "towns.geojson 不是有效的 JSON：第 1 行第 2 列"),
        (json.dumps({"type": "Feature", "properties": {}, "geometry": None}), "不是 GeoJSON FeatureCollection"),
        (json.dumps([1, 2]), "不是 GeoJSON FeatureCollection"),
        (json.dumps({"type": "FeatureCollection"}), "不是 GeoJSON FeatureCollection"),
        (json.dumps(collection()), "不含任何要素"),
    ],
)
def test_bad_file_is_named(loaded, tmp_path, text, message):
    before = table()
    with pytest.raises(BoundaryDataError, match=message):
        load_boundaries(path=write(tmp_path, text), source="坏文件")
    assert table() == before


def test_not_utf8_missing_file_and_source(regions, tmp_path):
    gbk = tmp_path / "gbk.geojson"
    gbk.write_bytes(json.dumps(collection(*GOOD), ensure_ascii=False).encode("gbk"))
    with pytest.raises(BoundaryDataError, match="gbk.geojson：文件不是 UTF-8 编码"):
        load_boundaries(path=gbk, source="x")
    with pytest.raises(BoundaryDataError, match="找不到边界文件"):
        load_boundaries(path=tmp_path / "nope.geojson", source="x")
    with pytest.raises(BoundaryDataError, match="来源"):
        load_boundaries(path=write(tmp_path, collection(*GOOD)), source="  ")
    # a byte-order mark (Windows editors) is tolerated
    bom = tmp_path / "bom.geojson"
    bom.write_text(json.dumps(collection(*GOOD)), encoding="utf-8-sig")
    assert load_boundaries(path=bom, source="x")["created"] == 3


def test_an_actor_must_be_an_admin_within_scope(regions, make_user, tmp_path):
    from django.core.exceptions import PermissionDenied

    path = write(tmp_path, collection(*GOOD))
    with pytest.raises(PermissionDenied):
        load_boundaries(path=path, source="x", actor=make_user(Role.CADRE, "370725001001"))
    admin = make_user(Role.COUNTY_ADMIN, "370725")
    with pytest.raises(BoundaryDataError, match="第 3 个要素：区划“370304001”不在您的管辖范围内"):
        load_boundaries(path=path, source="x", actor=admin)
    assert load_boundaries(path=write(tmp_path, collection(*GOOD[:2])), source="x", actor=admin)["created"] == 2
    assert AuditEntry.objects.get(action="boundaries.load").actor == admin


def test_command_prints_counts_and_defaults_source_to_file_name(regions, tmp_path, capsys):
    path = write(tmp_path, collection(*GOOD))
    call_command("load_boundaries", str(path))
    assert "新增 3 个，更新 0 个" in capsys.readouterr().out
    assert set(Boundary.objects.values_list("source", flat=True)) == {"towns.geojson"}
    call_command("load_boundaries", str(path), "--source", "天地图 1:100 万公众版")
    assert "新增 0 个，更新 3 个" in capsys.readouterr().out
    assert set(Boundary.objects.values_list("source", flat=True)) == {"天地图 1:100 万公众版"}
    with pytest.raises(CommandError, match="找不到边界文件.*missing.geojson"):
        call_command("load_boundaries", str(tmp_path / "missing.geojson"))


def run_from_argv(monkeypatch, *argv):
    """The command as `manage.py` runs it: exit status and stderr (without closing the test's connection)."""
    monkeypatch.setattr(connections, "close_all", lambda: None)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exc:
        LoadBoundaries(stdout=out, stderr=err).run_from_argv(["manage.py", "load_boundaries", *argv])
    return exc.value.code, out.getvalue(), err.getvalue()


def test_command_exit_status_and_stderr(loaded, tmp_path, monkeypatch):
    before = table()
    bad = write(tmp_path, collection(GOOD[0], GOOD[1], bad_geometry(None)))
    status, out, err = run_from_argv(monkeypatch, str(bad))
    assert status == 1 and out == ""
    assert "第 3 个要素（370725001）：缺少几何图形（geometry）" in err
    status, _out, err = run_from_argv(monkeypatch, str(tmp_path / "missing.geojson"))
    assert status == 1 and "找不到边界文件" in err and "missing.geojson" in err
    assert table() == before


def test_child_boundaries_are_scoped(loaded, make_user, superuser):
    other_county = make_user(Role.COUNTY_ADMIN, "370304")
    with pytest.raises(Http404):
        selectors.child_boundaries(user=other_county, region_code="370725")
    township = make_user(Role.TOWNSHIP_ADMIN, "370725001")
    with pytest.raises(Http404):  # a township sees no further up than itself
        selectors.child_boundaries(user=township, region_code="370725")
    result = selectors.child_boundaries(user=superuser, region_code="370725")
    assert result["type"] == "FeatureCollection" and result["sources"] == ["测试数据"]
    assert [f["properties"] for f in result["features"]] == [
        {"code": "370725001", "name": "宝都街道"},
        {"code": "370725107", "name": "乔官镇"},
    ]
    assert result["features"][0]["type"] == "Feature"
    assert result["features"][0]["geometry"] == GOOD[0]["geometry"]
    own = selectors.child_boundaries(user=make_user(Role.COUNTY_ADMIN, "370725"), region_code="370725")
    assert own == result
    assert selectors.child_boundaries(user=other_county, region_code="370304")["features"][0]["properties"] == {
        "code": "370304001",
        "name": "城东街道",
    }
    assert selectors.child_boundaries(user=superuser, region_code="3707") is None  # 昌乐县 itself has no outline
    assert selectors.has_child_boundaries("370725") and selectors.has_child_boundaries("370304")
    assert not selectors.has_child_boundaries("3707") and not selectors.has_child_boundaries("370725001")


def test_api_endpoint(loaded, make_user):
    url = reverse("api:region_boundaries", kwargs={"code": "370725"})
    assert url == "/api/v1/regions/370725/boundaries"
    assert Client().get(url).status_code == 401
    client = Client()
    client.force_login(make_user(Role.COUNTY_ADMIN, "370725"))
    response = client.get(url)
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection" and body["sources"] == ["测试数据"]
    assert [f["properties"]["code"] for f in body["features"]] == ["370725001", "370725107"]
    assert client.get("/api/v1/regions/3707/boundaries").status_code == 404  # out of scope (above the county)
    outsider = Client()
    outsider.force_login(make_user(Role.COUNTY_ADMIN, "370304"))
    missing = outsider.get(url)
    assert missing.status_code == 404 and missing.json()["message"]
    assert outsider.get("/api/v1/regions/370304/boundaries").status_code == 200
    assert outsider.get("/api/v1/regions/370304001/boundaries").status_code == 404  # no children with outlines
    assert outsider.get("/api/v1/regions/3703x/boundaries").status_code == 422


# --- the demo's schematic township cells ------------------------------------------------------------


def inside(point, ring) -> bool:
    """Ray casting: is `point` strictly inside the closed ring?"""
    x, y = point
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def area(ring) -> float:
    """Signed shoelace area: positive for a counter-clockwise ring."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)) / 2


@pytest.fixture
def county(regions):
    """昌乐县 with ten townships (the shared tree has two)."""
    county = regions["370725"]
    for n in range(2, 10):
        Region.objects.create(code=f"370725{n:03d}", name=f"演示{n}镇", level=Region.Level.TOWNSHIP, parent=county)
    return county


def test_county_boundaries_are_voronoi_cells_of_the_township_centres(county, tmp_path):
    centres = township_centres(county)
    result = county_boundaries(county)
    assert result["type"] == "FeatureCollection"
    features = result["features"]
    assert [f["properties"]["code"] for f in features] == sorted(centres) and len(features) == 10
    names = dict(Region.objects.filter(parent=county).values_list("code", "name"))
    total = 0.0
    for f in features:
        code = f["properties"]["code"]
        assert f["properties"] == {"code": code, "name": names[code]}
        assert f["geometry"]["type"] == "Polygon" and len(f["geometry"]["coordinates"]) == 1
        ring = f["geometry"]["coordinates"][0]
        assert len(ring) >= 4 and ring[0] == ring[-1]
        assert all(round(v, 6) == v for point in ring for v in point)
        assert area(ring) > 0  # counter-clockwise exterior ring (RFC 7946)
        assert inside(centres[code], ring)
        assert not any(inside(p, ring) for other, p in centres.items() if other != code)
        total += area(ring)
    # the cells tile the county's 64-gon outline: no overlaps, no gaps
    outline = 64 / 2 * RADIUS * RADIUS * SQUASH * math.sin(2 * math.pi / 64)
    assert total == pytest.approx(outline, rel=1e-4)
    lng0, lat0 = county_centre("370725")
    assert all(
        abs(x - lng0) <= RADIUS + 1e-6 and abs(y - lat0) <= RADIUS * SQUASH + 1e-6
        for f in features
        for x, y in f["geometry"]["coordinates"][0]
    )
    # what the generator writes is what the loader accepts
    path = write(tmp_path, result)
    assert load_boundaries(path=path, source="演示") == {"created": 10, "updated": 0}


def test_county_with_one_township_is_the_whole_outline(regions):
    [cell] = county_boundaries(regions["370304"])["features"]  # 博山区 has one township in the shared tree
    assert cell["properties"] == {"code": "370304001", "name": "城东街道"}
    assert len(cell["geometry"]["coordinates"][0]) == 65  # the 64-gon, closed


def test_demo_step_writes_the_file_loads_it_and_never_overwrites(county, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    out = io.StringIO()
    DemoCommand(stdout=out)._boundaries(county)
    path = tmp_path / "var" / "boundaries-370725.geojson"
    assert json.loads(path.read_text(encoding="utf-8")) == county_boundaries(county)
    assert "10 个乡镇的示意边界" in out.getvalue()
    assert set(Boundary.objects.values_list("source", flat=True)) == {BOUNDARY_SOURCE}
    assert Boundary.objects.count() == 10
    # real boundaries loaded later are kept when the demo runs again
    Boundary.objects.filter(region_id="370725001").update(source="天地图")
    DemoCommand(stdout=io.StringIO())._boundaries(county)
    assert Boundary.objects.get(region_id="370725001").source == "天地图"
    assert AuditEntry.objects.filter(action="boundaries.load").count() == 1
