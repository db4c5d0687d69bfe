"""Schematic township boundaries for the demo county's 一张图 map (NOT official boundaries).

The demo places each township at `scatter(random.Random(town_code), county_centre, 0.12)` (see
`shian.demo.entities._places`). Its cell here is the Voronoi cell of that centre among the county's
township centres, clipped to a 64-gon ellipse around the county seat: 0.16 degrees of longitude by
0.16 * 0.8 of latitude, the same squash `scatter` applies. Every township centre lies inside it (0.12 < 0.16).
"""

import math
import random

from shian.demo.names import county_centre, scatter
from shian.regions.models import Region

TOWN_SPREAD = 0.12  # the radius township centres are scattered over
RADIUS = 0.16  # the county's schematic outline, in degrees of longitude
SQUASH = 0.8  # latitude squash of `scatter`
VERTICES = 64

Point = tuple[float, float]


def township_centres(county: Region) -> dict[str, Point]:
    """Each township's demo centre: the entity generator places villages around it, the map draws its cell."""
    centre = county_centre(county.code)
    codes = sorted(Region.objects.filter(parent=county).values_list("code", flat=True))
    return {code: scatter(random.Random(code), centre, TOWN_SPREAD) for code in codes}


def _outline(centre: Point) -> list[Point]:
    """The county's schematic outline: a counter-clockwise 64-gon on the squashed ellipse (RFC 7946 winding)."""
    steps = [2 * math.pi * i / VERTICES for i in range(VERTICES)]
    return [(centre[0] + RADIUS * math.cos(a), centre[1] + RADIUS * SQUASH * math.sin(a)) for a in steps]


def _clip(polygon: list[Point], own: Point, other: Point) -> list[Point]:
    """The part of a convex polygon nearer to `own` than to `other` (Sutherland–Hodgman, one half-plane)."""
    nx, ny = other[0] - own[0], other[1] - own[1]
    limit = (other[0] ** 2 + other[1] ** 2 - own[0] ** 2 - own[1] ** 2) / 2  # the perpendicular bisector

    def inside(p: Point) -> float:
        return limit - (nx * p[0] + ny * p[1])  # >= 0 on own's side

    out: list[Point] = []
    for i, cur in enumerate(polygon):
        prev = polygon[i - 1]
        s_prev, s_cur = inside(prev), inside(cur)
        if (s_prev >= 0) != (s_cur >= 0):
            t = s_prev / (s_prev - s_cur)
            out.append((prev[0] + t * (cur[0] - prev[0]), prev[1] + t * (cur[1] - prev[1])))
        if s_cur >= 0:
            out.append(cur)
    return out


def _ring(polygon: list[Point]) -> list[list[float]]:
    """Rounded to 6 decimals (about 0.1 m), repeated vertices dropped, closed."""
    ring: list[list[float]] = []
    for x, y in polygon:
        point = [round(x, 6), round(y, 6)]
        if not ring or point != ring[-1]:
            ring.append(point)
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    return [*ring, ring[0]]


def county_boundaries(county: Region) -> dict:
    """A GeoJSON FeatureCollection of the county's townships as schematic Voronoi cells, properties code and name."""
    centres = township_centres(county)
    names = dict(Region.objects.filter(code__in=list(centres)).values_list("code", "name"))
    outline = _outline(county_centre(county.code))
    features = []
    for code, own in centres.items():
        cell = outline
        for other_code, other in centres.items():
            if other_code != code:
                cell = _clip(cell, own, other)
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": names[code]},
                "geometry": {"type": "Polygon", "coordinates": [_ring(cell)]},
            }
        )
    return {"type": "FeatureCollection", "features": features}
