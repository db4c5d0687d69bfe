"""The map's points (docs/portal.md §2): a county's listed businesses with coordinates and their rating, one JSON
per county kept in the shared figures cache for `portal.cache_seconds`."""

from django.core.cache import caches

from shian.core import rules
from shian.regions.models import Region

from ..ruledefs import CACHE_SECONDS, MAP_POINTS
from . import ratings
from .search import public_entities


def counties():
    return Region.objects.filter(level=Region.Level.COUNTY).order_by("code")


def county_points(county: str) -> dict:
    key = f"portal-map:{county}"
    cache = caches["figures"]
    data = cache.get(key)
    if data is None:
        data = _points(county)
        cache.set(key, data, rules.value(CACHE_SECONDS.code, county))
    return data


def _points(county: str) -> dict:
    level, outcome = ratings.latest_rating_expression()
    limit = rules.value(MAP_POINTS.code, county)
    rows = (
        public_entities()
        .filter(region_id__gte=county, region_id__lte=county.ljust(12, "9"), longitude__isnull=False,
                latitude__isnull=False)
        .annotate(level=level, outcome=outcome)
        .order_by("pk")
        .values_list("pk", "name", "longitude", "latitude", "level", "outcome")[:limit]
    )  # fmt: skip
    points = [[pk, name, float(lon), float(lat), lvl or out or ""] for pk, name, lon, lat, lvl, out in rows]
    return {"county": county, "fields": ["id", "name", "longitude", "latitude", "rating"], "points": points}
