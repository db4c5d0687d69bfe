"""Demo accounts for every role and the county's grids, idempotent so `make demo` can run twice."""

from django.contrib.auth.hashers import make_password
from django.db import transaction

from shian.accounts.models import Role, User
from shian.core import audit
from shian.entities.models import Entity
from shian.regions.models import Grid, Region

DEMO_PASSWORD = "shian-demo-2026"


def demo_logins(county: Region) -> list[tuple[str, str, dict]]:
    """(username, label, account fields) for one account per role around the demo county."""
    township = county.children.order_by("code").first()
    village = township.children.order_by("code").first() if township else None
    city, province = county.parent, county.parent.parent
    return [
        ("province", "省级管理员", {"role": Role.PROVINCE_ADMIN, "region": province, "name": "省食安办管理员"}),
        ("city", "市级管理员", {"role": Role.CITY_ADMIN, "region": city, "name": "市食安办管理员"}),
        ("county", "县级管理员", {"role": Role.COUNTY_ADMIN, "region": county, "name": "县食安办管理员"}),
        ("township", "乡镇管理员", {"role": Role.TOWNSHIP_ADMIN, "region": township, "name": "乡镇食安办管理员"}),
        ("station", "市场监管所", {"role": Role.STATION_STAFF, "region": township, "name": "监管所工作人员"}),
        (
            "education",
            "教育局（行业主管部门）",
            {"role": Role.DEPARTMENT_STAFF, "region": county, "department_id": "education", "name": "教育局联络员"},
        ),
        ("cadre", "包保干部", {"role": Role.CADRE, "region": village or township, "name": "包保干部"}),
        ("grid", "网格员", {"role": Role.GRID_WORKER, "region": village or township, "name": "网格员"}),
        ("auditor", "审计员（只读）", {"role": Role.AUDITOR, "region": county, "name": "审计员"}),
        # the first 市场监管所's inspectors (shian/demo/inspections.py): this month's tasks, signed together
        ("inspector", "监督检查执法人员", {"role": Role.STATION_STAFF, "region": county, "name": "刘建国"}),
        ("inspector2", "监督检查执法人员（同组）", {"role": Role.STATION_STAFF, "region": county, "name": "张丽华"}),
    ] + _enterprise_login(county)


def _enterprise_login(county: Region) -> list:
    entity = (
        Entity.objects.filter(region__code__startswith=county.code, business_type="catering").order_by("pk").first()
    )
    if entity is None:
        return []
    return [
        (
            "enterprise",
            f"企业用户（{entity.name}）",
            {"role": Role.ENTERPRISE, "region": entity.region, "entity": entity},
        )
    ]


@transaction.atomic
def load_demo_accounts(*, county: Region) -> list[tuple[str, str]]:
    """Create (or refresh) the demo accounts; return (username, label) pairs to print."""
    password = make_password(DEMO_PASSWORD)
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"is_superuser": True, "is_staff": True, "name": "系统管理员", "password": password}
    )
    printed = [("admin", "系统管理员（超级用户）")]
    for username, label, fields in demo_logins(county):
        user, created = User.objects.get_or_create(username=username, defaults={**fields, "password": password})
        if created:
            audit.record(
                actor=admin, action="account.create", obj=user, region_code=user.region_id, after=audit.snapshot(user)
            )
        printed.append((username, label))
    return printed


@transaction.atomic
def load_demo_grids(*, county: Region) -> int:
    """1+N+X grids: one area (片区) per township, one community grid per village, each with a grid worker."""
    password = make_password(DEMO_PASSWORD)
    townships = list(county.children.order_by("code"))
    villages = list(Region.objects.filter(parent__in=townships).order_by("code"))
    workers = {
        f"grid{v.code}": User(
            username=f"grid{v.code}", name=f"{v.name}网格员", role=Role.GRID_WORKER, region=v, password=password
        )
        for v in villages
    }
    existing = set(User.objects.filter(username__in=workers).values_list("username", flat=True))
    User.objects.bulk_create([u for name, u in workers.items() if name not in existing], batch_size=500)
    worker_ids = dict(User.objects.filter(username__in=workers).values_list("username", "pk"))
    areas = [Grid(code=f"{t.code}A", name=f"{t.name}片区", kind=Grid.Kind.AREA, region=t) for t in townships]
    Grid.objects.bulk_create(areas, ignore_conflicts=True)
    area_ids = dict(Grid.objects.filter(code__in=[a.code for a in areas]).values_list("code", "pk"))
    grids = [
        Grid(
            code=f"{v.code}G",
            name=f"{v.name}网格",
            kind=Grid.Kind.COMMUNITY,
            region=v,
            parent_id=area_ids[f"{v.parent_id}A"],
            worker_id=worker_ids[f"grid{v.code}"],
        )
        for v in villages
    ]
    Grid.objects.bulk_create(grids, ignore_conflicts=True)
    created = len(workers) - len(existing)
    if created:
        audit.record(
            actor=None,
            action="demo.grids",
            object_type="regions.grid",
            region_code=county.code,
            after={"areas": len(areas), "community_grids": len(grids), "grid_workers_created": created},
        )
    return len(areas) + len(grids)
