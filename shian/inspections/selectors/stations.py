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


FEW_PREFIXES = 500  # below this many candidate township codes, read just those rows (an IN list); else the table


def stations_for(region_codes: Iterable[str], within: str = "") -> dict[str, int | None]:
    """region code -> station id, for many regions at once (one query): the station rows of the codes' own
    prefixes when they are few, else every station township under `within`."""
    codes = set(region_codes)
    wanted = {prefix for code in codes for prefix in prefixes(code)}
    if within or len(wanted) > FEW_PREFIXES:
        mapping = station_map(within)
    else:
        rows = Station.townships.through.objects.filter(region_id__in=wanted)
        mapping = dict(rows.values_list("region_id", "station_id"))
    return {code: station_of(code, mapping) for code in codes}


def inspectors_of(station_id: int) -> list[int]:
    """The station's inspectors (user ids, active accounts only), in a stable order."""
    station = Station.objects.get(pk=station_id)
    return list(station.inspectors.filter(is_active=True).order_by("pk").values_list("pk", flat=True))


def station_list(*, user, region_code: str | None = None):
    """The stations of the user's jurisdiction (by their county), narrowed to the region switcher's choice."""
    from shian.core.jurisdiction import narrow_to, scope_queryset

    qs = scope_queryset(Station.objects.select_related("region"), user)
    if region_code and len(region_code) > len(user.region_id or ""):
        qs = qs.filter(region_id__in=prefixes(region_code)) | narrow_to(qs, region_code)
    return qs.prefetch_related("townships", "inspectors").order_by("code")


def station_get(*, user, pk: int) -> Station:
    from shian.core.jurisdiction import get_in_scope

    return get_in_scope(Station.objects.select_related("region"), user, pk=pk)


def conflict_list(*, user):
    """Declared conflicts: an inspector's own; an administrator's, those of entities in the jurisdiction."""
    from shian.core.jurisdiction import scope_queryset

    from ..models import InspectorConflict

    qs = InspectorConflict.objects.select_related("entity", "inspector").order_by("-declared_at", "-id")
    if getattr(user, "role", "") == "station_staff":
        return qs.filter(inspector=user)
    return scope_queryset(qs, user, "entity__region")
