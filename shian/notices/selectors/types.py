"""Reads of the notice types (docs/notices.md §1): the types in force in a region (for each code, the row of the most
specific region whose prefix matches, the national defaults otherwise), in escalation order, and the next grade."""

from shian.core.regioncodes import prefixes

from ..models import NoticeType


def types_in_force(region_code: str, *, active_only: bool = True) -> list[NoticeType]:
    """The notice types a commission in `region_code` uses, lowest grade first: per code, its own region's row
    (or the nearest region above it that has one), else the national default."""
    chain = ["", *prefixes(region_code or "")]
    rank = {prefix: n for n, prefix in enumerate(chain)}
    best: dict[str, NoticeType] = {}
    for row in NoticeType.objects.filter(region_prefix__in=chain):
        known = best.get(row.code)
        if known is None or rank[row.region_prefix] > rank[known.region_prefix]:
            best[row.code] = row
    rows = [t for t in best.values() if t.active or not active_only]
    return sorted(rows, key=lambda t: (t.grade, t.code))


def type_for(code: str, region_code: str) -> NoticeType | None:
    """The type `code` in force in `region_code` (active or not), or None."""
    return next((t for t in types_in_force(region_code, active_only=False) if t.code == code), None)


def next_type(grade: int, region_code: str) -> NoticeType | None:
    """The active type of the lowest grade above `grade` in force in `region_code`: what an overdue notice escalates
    to; None at the top grade."""
    return next((t for t in types_in_force(region_code) if t.grade > grade), None)
