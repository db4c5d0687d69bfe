"""Reads of warnings (docs/warnings.md §4), scoped to the user's jurisdiction: the list by level, state and region,
the counts by level per child region (the drill-down) and one warning with its evidence."""

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from shian.core.jurisdiction import get_in_scope, narrow_to, scope_prefix, scope_queryset
from shian.core.regioncodes import CHILD_LENGTH
from shian.regions.models import Region

from ..models import LEVEL_ORDER, Level, RiskWarning, WarningRule


def warning_list(*, user, region_code: str | None = None, level: str = "", state: str = "") -> QuerySet[RiskWarning]:
    qs = narrow_to(scope_queryset(RiskWarning.objects.select_related("region", "office", "station"), user), region_code)
    if level in Level.values:
        qs = qs.filter(level=level)
    if state == "open":
        qs = qs.exclude(state=RiskWarning.State.CLOSED)
    elif state == "overdue":  # the dashboard's drill-down: open, the current step past its deadline
        qs = qs.exclude(state=RiskWarning.State.CLOSED).filter(step_due__lt=timezone.now())
    elif state in RiskWarning.State.values:
        qs = qs.filter(state=state)
    return qs.order_by("-raised_at", "-id")


def level_counts(*, user, region_code: str | None = None, open_only: bool = True) -> dict:
    """{"total": {level: n}, "regions": [(code, name, {level: n}, total)]}: the region one level below the shown
    one, for the drill-down."""
    qs = warning_list(user=user, region_code=region_code, state="open" if open_only else "")
    base = region_code or scope_prefix(user) or ""
    size = CHILD_LENGTH.get(len(base), len(base))
    rows = (qs.order_by().annotate(child=Substr("region_id", 1, size)).values("child", "level")
            .annotate(n=Count("id")))  # fmt: skip
    total = {lv: 0 for lv in LEVEL_ORDER}
    by_child: dict[str, dict] = {}
    for r in rows:
        total[r["level"]] = total.get(r["level"], 0) + r["n"]
        by_child.setdefault(r["child"], {lv: 0 for lv in LEVEL_ORDER})[r["level"]] += r["n"]
    names = dict(Region.objects.filter(code__in=by_child).values_list("code", "name"))
    regions = [(code, names.get(code, code), c, sum(c.values())) for code, c in sorted(by_child.items())]
    return {"total": total, "regions": regions}


RECENT_CLOSED = 5  # closed warnings the entity page shows below the open ones (a display length, not a rule)


def entity_warnings(*, user, entity) -> dict | None:
    """The entity page's panel (docs/warnings.md §4): the entity's open warnings (most urgent deadline first) and
    its latest closed ones, within the user's jurisdiction; None when there are none."""
    qs = warning_list(user=user).filter(entity_id=entity.pk)
    open_ = list(qs.exclude(state=RiskWarning.State.CLOSED).order_by("step_due", "-raised_at", "-id"))
    closed = list(qs.filter(state=RiskWarning.State.CLOSED).order_by("-closed_at", "-id")[:RECENT_CLOSED])
    if not open_ and not closed:
        return None
    return {"open": open_, "closed": closed}


def warning_get(*, user, pk: int) -> RiskWarning:
    return get_in_scope(
        RiskWarning.objects.select_related("region", "office", "station", "rule", "entity"), user, pk=pk
    )


def rule_list() -> QuerySet[WarningRule]:
    return WarningRule.objects.filter(is_current=True).order_by("code")


def rule_versions(code: str) -> QuerySet[WarningRule]:
    return WarningRule.objects.filter(code=code).order_by("-version")
