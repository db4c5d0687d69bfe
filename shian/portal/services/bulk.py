"""The open data's bulk files (docs/portal.md §3): per county, every listed business with its rating as CSV and
JSON, written nightly by the job `portal.bulk_files` under `$SHIAN_VAR_DIR/portal/bulk/` (write to a temporary
name, then rename: a download never sees half a file). Only public fields, never a person."""

import csv
import datetime
import io
import json
import os
from pathlib import Path

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from shian.entities.models import Entity
from shian.regions.models import Region

from ..selectors import ratings
from ..selectors.search import public_entities

FIELDS = ["id", "name", "uscc", "address", "region_code", "region_name", "business_type", "sub_type", "status",
          "longitude", "latitude", "rating", "inspected_on", "updated_at"]  # fmt: skip
FORMATS = ("csv", "json")


def bulk_dir() -> Path:
    return Path(settings.VAR_DIR) / "portal" / "bulk"


def file_path(county: str, fmt: str) -> Path | None:
    if fmt not in FORMATS or len(county) != 6 or not county.isdigit():
        return None
    return bulk_dir() / f"{county}.{fmt}"


def county_rows(county: str):
    level, outcome = ratings.latest_rating_expression()
    latest_day = ratings.published_inspections().filter(entity_id=OuterRef("pk")).order_by("-inspected_on", "-pk")
    qs = (
        public_entities()
        .filter(region_id__gte=county, region_id__lte=county.ljust(12, "9"))
        .annotate(level=level, outcome=outcome, inspected_on=Subquery(latest_day.values("inspected_on")[:1]))
        .order_by("pk")
        .values("pk", "name", "uscc", "address", "region_id", "region__name", "business_type", "sub_type",
                "status", "longitude", "latitude", "level", "outcome", "inspected_on", "updated_at")
    )  # fmt: skip
    for r in qs.iterator(chunk_size=2000):
        yield {
            "id": r["pk"], "name": r["name"], "uscc": r["uscc"], "address": r["address"],
            "region_code": r["region_id"], "region_name": r["region__name"], "business_type": r["business_type"],
            "sub_type": r["sub_type"], "status": r["status"],
            "longitude": float(r["longitude"]) if r["longitude"] is not None else None,
            "latitude": float(r["latitude"]) if r["latitude"] is not None else None,
            "rating": r["level"] or r["outcome"] or "",
            "inspected_on": r["inspected_on"].isoformat() if r["inspected_on"] else None,
            "updated_at": r["updated_at"].isoformat(),
        }  # fmt: skip


def _write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_county(county: str, *, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    rows = list(county_rows(county))
    bulk_dir().mkdir(parents=True, exist_ok=True)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS)
    writer.writeheader()
    writer.writerows(rows)
    _write(file_path(county, "csv"), "\ufeff" + out.getvalue())  # the BOM: Excel opens it as UTF-8
    _write(file_path(county, "json"), json.dumps({"county": county, "generated_at": now.isoformat(),
                                                  "fields": FIELDS, "items": rows}, ensure_ascii=False))  # fmt: skip
    return len(rows)


def counties_with_entities() -> list[str]:
    codes = Region.objects.filter(level=Region.Level.COUNTY).values_list("code", flat=True)
    return [c for c in codes if Entity.objects.filter(region_id__gte=c, region_id__lte=c.ljust(12, "9")).exists()]


def write_all(*, now: datetime.datetime | None = None) -> dict:
    counts = {county: write_county(county, now=now) for county in counties_with_entities()}
    return {"counties": len(counts), "rows": sum(counts.values())}


def available_files() -> list[dict]:
    """The bulk files on disk: county, its name, the formats, when written."""
    folder = bulk_dir()
    if not folder.exists():
        return []
    found: dict[str, dict] = {}
    for path in sorted(folder.glob("*.json")):
        county = path.stem
        found[county] = {"county": county, "written_at": datetime.datetime.fromtimestamp(path.stat().st_mtime,
                                                                                         tz=datetime.UTC)}  # fmt: skip
    names = dict(Region.objects.filter(code__in=list(found)).values_list("code", "name"))
    return [{**f, "name": names.get(c, c)} for c, f in found.items()]
