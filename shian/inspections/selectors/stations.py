"""Which 市场监管所 an entity belongs to (docs/inspections.md §1): the station whose townships contain the
entity's region. Shared by plans, draws and inspections."""

from collections.abc import Iterable

from shian.core.regioncodes import prefixes

from ..models import Station


def station_map(within: str = "") -> dict[str, int]:
    """Township code -> station id for every station township under `within` (one query)."""
    from shian.core.jurisdiction import region_under

    through = Station.townships.through
    rows = through.objects.filter(region_under(through, "region", within)) if within else through.objects.all()
    return dict(rows.values_list("region_id", "station_id"))


def station_of(region_code: str, mapping: dict[str, int] | None = None) -> int | None:
    """The station id covering `region_code` (its own code or an ancestor's), or None."""
    mapping = station_map() if mapping is None else mapping
    for prefix in reversed(prefixes(region_code)):
        if prefix in mapping:
            return mapping[prefix]
    return None


def stations_for(region_codes: Iterable[str], within: str = "") -> dict[str, int | None]:
    """region code -> station id, for many regions at once."""
    mapping = station_map(within)
    return {code: station_of(code, mapping) for code in set(region_codes)}


def inspectors_of(station_id: int) -> list[int]:
    """The station's inspectors (user ids, active accounts only), in a stable order."""
    station = Station.objects.get(pk=station_id)
    return list(station.inspectors.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
