"""Writes to the region tree, grids (网格) and the holiday table."""

import csv
import datetime
from pathlib import Path

from chinese_calendar import constants as cc_constants
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role
from shian.core import audit, workdays
from shian.core.jurisdiction import require_in_scope
from shian.core.permissions import require_perm

from .models import Grid, HolidayDay, Region


def _check_grid(*, actor, region_code: str, parent_code: str | None, worker) -> tuple[Region, Grid | None]:
    require_in_scope(actor, region_code)
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ValidationError({"region_code": _("区划代码不存在：%(code)s") % {"code": region_code}})
    if region.level not in (Region.Level.TOWNSHIP, Region.Level.VILLAGE):
        raise ValidationError({"region_code": _("网格所属区划必须是乡镇或村（社区）。")})
    parent = None
    if parent_code:
        parent = Grid.objects.filter(code=parent_code, region__code__startswith=region.code[:9]).first()
        if parent is None:
            raise ValidationError({"parent_code": _("上级网格不存在或不在同一乡镇：%(code)s") % {"code": parent_code}})
    if worker is not None:
        if worker.role != Role.GRID_WORKER:
            raise ValidationError({"worker": _("网格负责人必须是网格员账号。")})
        if not (worker.region_id and region.code.startswith(worker.region_id[:9])):
            raise ValidationError({"worker": _("网格员所属区划与网格不一致。")})
    return region, parent


@transaction.atomic
def create_grid(*, actor, code: str, name: str, kind: str, region_code: str, parent_code=None, worker=None) -> Grid:
    require_perm(actor, "regions.manage_grids")
    region, parent = _check_grid(actor=actor, region_code=region_code, parent_code=parent_code, worker=worker)
    if Grid.objects.filter(code=code).exists():
        raise ValidationError({"code": _("网格编码已存在：%(code)s") % {"code": code}})
    grid = Grid(code=code, name=name, kind=kind, region=region, parent=parent, worker=worker)
    grid.full_clean()
    grid.save()
    audit.record(actor=actor, action="grid.create", obj=grid, region_code=region.code, after=audit.snapshot(grid))
    return grid


# --- loading the region tree -------------------------------------------------------------------------

DATA_DIR = settings.BASE_DIR / "data" / "regions"
# file, level, parent column
_LEVEL_FILES = [
    ("provinces.csv", Region.Level.PROVINCE, None),
    ("cities.csv", Region.Level.CITY, "provinceCode"),
    ("areas.csv", Region.Level.COUNTY, "cityCode"),
    ("streets.csv", Region.Level.TOWNSHIP, "areaCode"),
]
_VILLAGE_PARENT = "streetCode"
_BATCH = 2000


class RegionDataError(Exception):
    """A vendored region file is missing or malformed; names the file and line."""


def _read(path: Path, level: int, parent_col: str | None, known: set[str], prefixes) -> list[Region]:
    if not path.exists():
        raise RegionDataError(_("找不到区划数据文件：%(path)s") % {"path": path})
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        needed = {"code", "name"} | ({parent_col} if parent_col else set())
        if not reader.fieldnames or not needed <= set(reader.fieldnames):
            raise RegionDataError(
                _("%(file)s 第 1 行：缺少列 %(cols)s") % {"file": path.name, "cols": ", ".join(sorted(needed))}
            )
        length = Region.CODE_LENGTHS[level]
        for line, row in enumerate(reader, start=2):
            code, name = (row.get("code") or "").strip(), (row.get("name") or "").strip()
            if prefixes and not code.startswith(tuple(prefixes)):
                continue
            where = {"file": path.name, "line": line, "code": code}
            if len(code) != length or not code.isdigit():
                raise RegionDataError(
                    _("%(file)s 第 %(line)s 行：区划代码“%(code)s”应为 %(n)s 位数字") % {**where, "n": length}
                )
            if not name:
                raise RegionDataError(_("%(file)s 第 %(line)s 行：区划“%(code)s”缺少名称") % where)
            parent = (row.get(parent_col) or "").strip() if parent_col else None
            if parent_col and (parent not in known or not code.startswith(parent)):
                raise RegionDataError(
                    _("%(file)s 第 %(line)s 行：区划“%(code)s”的上级“%(parent)s”不存在") % {**where, "parent": parent}
                )
            rows.append(Region(code=code, name=name, level=level, parent_id=parent))
    return rows


@transaction.atomic
def load_regions(*, data_dir: Path | None = None, village_prefixes: list[str] | None = None) -> dict[str, int]:
    """Upsert the vendored tree, parents before children; idempotent and all-or-nothing."""
    data_dir = Path(data_dir or DATA_DIR)
    known = set(Region.objects.values_list("code", flat=True))
    counts = {}
    plan = [(data_dir / name, level, col, None) for name, level, col in _LEVEL_FILES]
    plan += [
        (p, Region.Level.VILLAGE, _VILLAGE_PARENT, village_prefixes) for p in sorted(data_dir.glob("villages-*.csv"))
    ]
    for path, level, parent_col, prefixes in plan:
        rows = _read(path, level, parent_col, known, prefixes)
        for start in range(0, len(rows), _BATCH):
            Region.objects.bulk_create(
                rows[start : start + _BATCH],
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name", "level", "parent"],
            )
        known.update(r.code for r in rows)
        label = Region.Level(level).label
        counts[str(label)] = counts.get(str(label), 0) + len(rows)
    audit.record(actor=None, action="regions.load", object_type="regions.region", after=counts)
    return counts


# --- holiday table ---------------------------------------------------------------------------------


def statutory_days() -> list[tuple[datetime.date, bool, str]]:
    """Days where the State Council notice departs from Monday-Friday: weekday holidays, weekend make-up days."""
    names = {h.value: h.chinese for h in cc_constants.Holiday}
    days = [(d, False, names.get(n, n)) for d, n in cc_constants.holidays.items() if d.weekday() < 5]
    days += [(d, True, f"{names.get(n, n)}调休") for d, n in cc_constants.workdays.items() if d.weekday() >= 5]
    return sorted(days)


@transaction.atomic
def sync_holidays() -> int:
    """Refresh the State Council rows from chinese-calendar; local overrides are never touched."""
    overridden = set(HolidayDay.objects.filter(source=HolidayDay.Source.OVERRIDE).values_list("date", flat=True))
    rows = [
        HolidayDay(date=d, is_working_day=working, name=name, source=HolidayDay.Source.STATE_COUNCIL)
        for d, working, name in statutory_days()
        if d not in overridden
    ]
    HolidayDay.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["date"], update_fields=["is_working_day", "name", "source"]
    )
    workdays.clear_cache()
    return len(rows)


@transaction.atomic
def set_holiday_override(*, actor, date: datetime.date, is_working_day: bool, name: str) -> HolidayDay:
    """A local adjustment (e.g. a county-declared day off), kept when the statutory table is refreshed."""
    if not (actor.is_superuser or actor.role in ADMIN_ROLES):
        raise PermissionDenied(_("只有管理员可以调整节假日。"))
    existing = HolidayDay.objects.filter(date=date).first()
    before = audit.snapshot(existing) if existing else None
    day, _created = HolidayDay.objects.update_or_create(
        date=date, defaults={"is_working_day": is_working_day, "name": name, "source": HolidayDay.Source.OVERRIDE}
    )
    audit.record(actor=actor, action="holiday.override", obj=day, before=before, after=audit.snapshot(day))
    workdays.clear_cache()
    return day
