"""The inspections overview (docs/inspections.md §7): a region's inspection figures with their targets, what needs
doing (overdue rectifications and tasks, draws not yet published), and the same figures for each area below it
(at a village, for each entity). Counted live with the module's KPI provider (shian/inspections/kpis.py), so the
overview and the dashboard never disagree."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import Role
from shian.core import kpis as registry
from shian.core import rules
from shian.core.jurisdiction import narrow_to, require_in_scope, scope_prefix
from shian.core.kpis import Grouping, Parts
from shian.core.regioncodes import VILLAGE, child_length, level_of, prefixes
from shian.entities.selectors import area_names
from shian.regions.models import Region

from .. import kpis
from ..models import InspectionTask, RandomDraw

TODO_ROWS = 10  # overdue orders listed on the overview


@dataclass
class Overview:
    region: Region | None  # None: the whole country (a superuser's top level)
    code: str
    as_of: datetime.date
    total: Parts
    figures: list[dict]  # one per KPI: key, label, unit, value, text, target, met, better, doc
    rows: list[dict]  # one per area below (or entity at a village): code, name, direct, values
    todo: dict = field(default_factory=dict)
    crumbs: list[Region] = field(default_factory=list)

    @property
    def entity_level(self) -> bool:
        return level_of(self.code) == VILLAGE


fmt = registry.fmt  # the views format area cells with it


def provider() -> registry.Provider:
    return next(p for p in registry.providers() if p.key == "inspections")


def targets(code: str, as_of: datetime.date) -> dict[str, int]:
    """KPI key -> its target percentage in force in the region (the rule store)."""
    return {key: rules.value(rule, code, as_of) for key, rule in kpis.TARGETS.items()}


def figures_of(parts: Parts, code: str, as_of: datetime.date) -> list[dict]:
    return registry.figures(provider().kpis, parts, targets(code, as_of))


def values_of(parts: Parts) -> dict[str, float | None]:
    return {k.key: k.value(parts) for k in provider().kpis}


def _region(user, code: str) -> Region | None:
    if getattr(user, "role", "") == Role.ENTERPRISE:
        raise PermissionDenied(_("您的角色无权使用此功能。"))
    require_in_scope(user, code)
    if code == "":
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404(_("区划代码不存在：%(code)s") % {"code": code})
    return region


def _rows(groups: dict[str, Parts], code: str) -> list[dict]:
    depth = None if level_of(code) == VILLAGE else child_length(code)
    return registry.area_rows(groups, depth, provider().kpis, area_names(groups), _("（本级直属）"))


def todo(*, user, code: str, today: datetime.date) -> dict:
    """What needs doing in the region: overdue rectification orders (count and the longest overdue), open tasks
    past their date, and random draws not yet published (and those past their publication deadline)."""
    title, headers, rows, overdue = kpis.overdue_orders(prefix=code, as_of=today, limit=TODO_ROWS)
    tasks = narrow_to(InspectionTask.objects.filter(status=InspectionTask.Status.OPEN, due_on__lt=today), code)
    draws = narrow_to(RandomDraw.objects.filter(published_at__isnull=True), code)
    return {
        "orders_overdue": overdue, "orders_headers": headers, "orders": rows,
        "tasks_overdue": tasks.count(),
        "draws_unpublished": draws.count(), "draws_late": draws.filter(publish_due__lt=today).count(),
    }  # fmt: skip


def overview(*, user, region_code: str | None = None, as_of: datetime.date | None = None) -> Overview:
    """The overview of `region_code` (default: the user's jurisdiction) for a regulator; outside the
    jurisdiction a 404, an enterprise account is refused."""
    code = scope_prefix(user) if region_code is None else region_code
    code = code or ""
    region = _region(user, code)
    today = timezone.localdate()
    as_of = as_of or today
    depth = None if level_of(code) == VILLAGE else child_length(code)
    groups = provider().count(prefix=code, grouping=Grouping(depth), as_of=as_of)
    total = registry.total(groups.values())
    top = scope_prefix(user) or ""
    crumbs = list(Region.objects.filter(code__in=[c for c in prefixes(code) if len(top) <= len(c)]).order_by("code"))
    return Overview(
        region=region, code=code, as_of=as_of, total=total, figures=figures_of(total, code, as_of),
        rows=_rows(groups, code), todo=todo(user=user, code=code, today=today), crumbs=crumbs,
    )  # fmt: skip


def risk_bands(total: Parts) -> list[dict]:
    """The risk-band distribution of the operating entities (the provider's breakdown), every band listed."""
    breakdown = next(b for b in provider().breakdowns if b.key == "risk")
    return [
        {"key": key, "label": str(label), "n": total.get(f"risk:{key}", 0)} for key, label in breakdown.labels().items()
    ]
