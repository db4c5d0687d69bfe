"""Grid services and region/grid selectors: admin-only writes, jurisdiction as 404, audit on every write."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from shian.accounts.models import Role
from shian.core.models import AuditEntry
from shian.regions import selectors
from shian.regions.models import Grid, Region
from shian.regions.services import create_grid, update_grid


@pytest.fixture
def county_admin(make_user):
    return make_user(Role.COUNTY_ADMIN, "370725")


@pytest.fixture
def area(county_admin):
    return create_grid(actor=county_admin, code="G-A1", name="宝都片区", kind=Grid.Kind.AREA, region_code="370725001")


@pytest.mark.django_db
def test_create_grid_with_parent_and_worker_is_audited(county_admin, area, make_user):
    worker = make_user(Role.GRID_WORKER, "370725001001")
    grid = create_grid(
        actor=county_admin,
        code="G-C1",
        name="站前社区网格",
        kind=Grid.Kind.COMMUNITY,
        region_code="370725001001",
        parent_code="G-A1",
        worker=worker,
    )
    assert grid.parent == area and grid.worker == worker
    entry = AuditEntry.objects.get(action="grid.create", object_id=str(grid.pk))
    assert entry.actor == county_admin and entry.region_code == "370725001001"
    assert entry.after["code"] == "G-C1" and entry.after["worker_id"] == worker.pk


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CADRE, Role.GRID_WORKER, Role.STATION_STAFF, Role.AUDITOR, Role.ENTERPRISE])
def test_non_admins_cannot_write_grids(make_user, role, area):
    actor = make_user(role, "370725001001" if role in (Role.CADRE, Role.GRID_WORKER, Role.ENTERPRISE) else "370725")
    with pytest.raises(PermissionDenied):
        create_grid(actor=actor, code="G-X", name="x", kind=Grid.Kind.AREA, region_code="370725001")
    with pytest.raises(PermissionDenied):
        update_grid(actor=actor, grid=area, name="改名")
    assert Grid.objects.get(pk=area.pk).name == "宝都片区"


@pytest.mark.django_db
def test_out_of_scope_is_404(make_user, area):
    other = make_user(Role.COUNTY_ADMIN, "370304")
    with pytest.raises(Http404):
        create_grid(actor=other, code="G-X", name="x", kind=Grid.Kind.AREA, region_code="370725001")
    with pytest.raises(Http404):
        update_grid(actor=other, grid=area, name="改名")
    township = make_user(Role.TOWNSHIP_ADMIN, "370725001")
    with pytest.raises(Http404):  # moving a grid out of one's own township
        update_grid(actor=township, grid=area, region_code="370725107")
    assert not AuditEntry.objects.filter(action="grid.update").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"region_code": "370725"}, "网格所属区划必须是乡镇或村（社区）"),
        ({"region_code": "370725999"}, "区划代码不存在"),
        ({"code": "G-A1"}, "网格编码已存在"),
        ({"kind": Grid.Kind.COMMUNITY, "parent_code": "G-NOPE"}, "上级网格不存在"),
        ({"kind": Grid.Kind.AREA, "parent_code": "G-A1"}, "片区是最上一级网格"),
        ({"kind": Grid.Kind.COMMUNITY, "region_code": "370725107201", "parent_code": "G-A1"}, "不在同一乡镇"),
    ],
)
def test_bad_input_is_a_validation_error(county_admin, area, fields, message):
    data = {"code": "G-NEW", "name": "新网格", "kind": Grid.Kind.AREA, "region_code": "370725001", **fields}
    with pytest.raises(ValidationError, match=message):
        create_grid(actor=county_admin, **data)


@pytest.mark.django_db
def test_worker_must_be_a_grid_worker_covering_the_grid(county_admin, make_user):
    cases = [
        make_user(Role.CADRE, "370725001001"),  # wrong role
        make_user(Role.GRID_WORKER, "370725107201"),  # another township's village
        make_user(Role.GRID_WORKER, "370725001001"),  # a village worker cannot cover a whole township
    ]
    for worker in cases:
        with pytest.raises(ValidationError):
            create_grid(
                actor=county_admin, code="G-W", name="w", kind=Grid.Kind.AREA, region_code="370725001", worker=worker
            )
    township_worker = make_user(Role.GRID_WORKER, "370725001")
    grid = create_grid(
        actor=county_admin, code="G-W", name="w", kind=Grid.Kind.AREA, region_code="370725001", worker=township_worker
    )
    assert grid.worker == township_worker


@pytest.mark.django_db
def test_update_grid_records_before_and_changes(county_admin, area, make_user):
    worker = make_user(Role.GRID_WORKER, "370725001")
    update_grid(actor=county_admin, grid=area, name="宝都街道片区", worker=worker)
    area.refresh_from_db()
    assert area.name == "宝都街道片区" and area.worker == worker
    entry = AuditEntry.objects.get(action="grid.update")
    assert entry.before["name"] == "宝都片区"
    assert entry.after == {"name": "宝都街道片区", "worker_id": worker.pk}
    with pytest.raises(ValidationError, match="不能修改的网格字段"):
        update_grid(actor=county_admin, grid=area, code="G-OTHER")


@pytest.mark.django_db
def test_area_with_children_keeps_kind_and_township(county_admin, area):
    create_grid(
        actor=county_admin,
        code="G-C1",
        name="c",
        kind=Grid.Kind.COMMUNITY,
        region_code="370725001001",
        parent_code="G-A1",
    )
    with pytest.raises(ValidationError, match="不能改为社区网格"):
        update_grid(actor=county_admin, grid=area, kind=Grid.Kind.COMMUNITY)
    with pytest.raises(ValidationError, match="不能移到其他乡镇"):
        update_grid(actor=county_admin, grid=area, region_code="370725107")


@pytest.mark.django_db
def test_region_selectors_are_scoped(make_user, regions):
    township = make_user(Role.TOWNSHIP_ADMIN, "370725001")
    assert list(selectors.region_list(user=township).values_list("code", flat=True)) == ["370725001", "370725001001"]
    assert [r.code for r in selectors.region_list(user=township, parent_code="370725001")] == ["370725001001"]
    assert list(selectors.region_list(user=township, q="站前")) == [regions["370725001001"]]
    with pytest.raises(Http404):
        selectors.region_list(user=township, parent_code="370725")  # the county itself is above the township
    with pytest.raises(Http404):
        selectors.region_get(user=township, code="370304")
    with pytest.raises(Http404):
        selectors.region_get(user=township, code="370725001999")  # missing looks the same as out of scope
    county = make_user(Role.COUNTY_ADMIN, "370725")
    assert [r.code for r in selectors.region_list(user=county, level=Region.Level.TOWNSHIP)] == [
        "370725001",
        "370725107",
    ]


@pytest.mark.django_db
def test_region_ancestors_in_one_query(regions):
    with CaptureQueriesContext(connection) as queries:
        path = selectors.region_ancestors(regions["370725107201"])
    assert [r.code for r in path] == ["37", "3707", "370725", "370725107", "370725107201"]
    assert len(queries) == 1


@pytest.mark.django_db
def test_grid_list_is_scoped(county_admin, area, make_user):
    create_grid(actor=county_admin, code="G-Q", name="乔官片区", kind=Grid.Kind.AREA, region_code="370725107")
    township = make_user(Role.TOWNSHIP_ADMIN, "370725001")
    assert [g.code for g in selectors.grid_list(user=township)] == ["G-A1"]
    assert [g.code for g in selectors.grid_list(user=county_admin, region_code="370725107")] == ["G-Q"]
    assert not selectors.grid_list(user=make_user(Role.COUNTY_ADMIN, "370304")).exists()


@pytest.mark.django_db
def test_region_names_and_find_see_only_the_jurisdiction(make_user, regions):
    township = make_user(Role.TOWNSHIP_ADMIN, "370725001")
    names = selectors.region_names(user=township, codes=["370725001001", "370725", "370304", ""])
    assert names == {"370725001001": regions["370725001001"].name}  # the county above and a far city left out
    assert selectors.region_find(user=township, code="370725001") == regions["370725001"]
    assert selectors.region_find(user=township, code="370304") is None
    assert selectors.region_find(user=township, code="") is None
