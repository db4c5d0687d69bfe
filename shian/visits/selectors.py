"""Reads of the visit loop, each scoped: regulators by jurisdiction, an enterprise to its own entity."""

from datetime import datetime, timedelta

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Substr
from django.db.models.lookups import GreaterThanOrEqual
from django.http import Http404
from django.utils import timezone

from shian.accounts.models import Role
from shian.baobao.models import Cadre, Guarantee
from shian.baobao.ruledefs import VISITS_PER_QUARTER as VISITS_PER_QUARTER_RULE
from shian.baobao.selectors import own_cadre
from shian.checklists import selectors as checklists
from shian.checklists.models import Checklist
from shian.core import figcache, rules
from shian.core.jurisdiction import (
    get_entity_row,
    narrow_to,
    scope_entity_rows,
    scope_prefix,
    scope_queryset,
)
from shian.core.periods import previous_quarter, quarter_bounds, quarter_of
from shian.core.regioncodes import child_length
from shian.core.worklist import DUE_SOON_RULE
from shian.entities.models import baobao_grade
from shian.regions import selectors as region_selectors

from .models import Attachment, ChecklistKind, Problem, Visit

GRADES = ("A", "B", "C", "D")
# A coverage table breaks a region into the next level down (province → cities, ..., township → villages).


def current_quarter() -> int:
    return quarter_of(timezone.localdate())


# The visit frequency: a rule of the store (baobao/ruledefs.py), the same one the commitment letters print.
VISITS_PER_QUARTER = VISITS_PER_QUARTER_RULE.code


def _rule_day(quarter: int):
    """The day whose rule a quarter is counted by: its last day, or today while it runs."""
    return min(quarter_bounds(quarter)[1], timezone.localdate())


def visited_enough(visits: QuerySet[Visit], quarter: int, *, within: str | None = ""):
    """A condition on guarantees: their entity had, among `visits` (already narrowed to OuterRef("entity") and
    `quarter`), as many visits as the rule in force in its region asks for that quarter. A plain EXISTS where
    no region below `within` asks for more than one."""
    required = rules.by_region(VISITS_PER_QUARTER, "entity__region", within=within, on=_rule_day(quarter))
    if isinstance(required, Value) and required.value == 1:
        return Exists(visits)
    done = visits.order_by().values("entity").annotate(n=Count("pk")).values("n")[:1]
    return GreaterThanOrEqual(Coalesce(Subquery(done, output_field=IntegerField()), 0), required)


# -- checklists -----------------------------------------------------------------------------------------------


def checklist_list(*, user) -> QuerySet[Checklist]:
    """The 督导检查表 versions a user may read (the engine's rule, this module's kinds)."""
    return checklists.checklist_list(user=user, kinds=ChecklistKind.values)


def checklist_get(*, user, pk: int) -> Checklist:
    return checklists.checklist_get(user=user, pk=pk, kinds=ChecklistKind.values)


# -- a cadre's own entities -----------------------------------------------------------------------------------


def my_entities(*, user, quarter: int | None = None, q: str = "") -> QuerySet[Guarantee]:
    """The entities the user's cadre record guarantees (or supports), with the quarter's visit state:
    done (visited), overdue (missed last quarter too, though guaranteed then) or due, and the entity's grade
    (`entity_grade`)."""
    cadre = own_cadre(user=user)
    if cadre is None:
        return Guarantee.objects.none()
    quarter = quarter or current_quarter()
    previous = previous_quarter(quarter)
    visits = Visit.objects.filter(entity=OuterRef("entity"))
    qs = Guarantee.objects.filter(Q(cadre=cadre) | Q(supporter=cadre))
    if q:
        qs = qs.filter(Q(entity__name__icontains=q) | Q(entity__address__icontains=q))
    missed_before = Q(visited_before=False, since__lte=quarter_bounds(previous)[1])
    return (
        qs.annotate(
            visited=visited_enough(visits.filter(quarter=quarter), quarter),
            visited_before=visited_enough(visits.filter(quarter=previous), previous),
            open_problems=Exists(
                Problem.objects.filter(entity=OuterRef("entity")).exclude(status=Problem.Status.CLOSED)
            ),
            entity_grade=baobao_grade("entity__"),
        )
        .annotate(
            state=Case(
                When(visited=True, then=Value("done")),
                When(missed_before, then=Value("overdue")),
                default=Value("due"),
            ),
            # overdue first, then due, then done (the same conditions as `state`)
            order=Case(When(visited=True, then=2), When(missed_before, then=0), default=1),
        )
        .select_related("entity", "entity__region")
        .order_by("order", "entity__region_id", "pk")
    )


def my_guarantee(*, user, entity_id: int) -> Guarantee:
    """One of the user's own guarantees (the entity a visit is about to start on), or 404."""
    row = my_entities(user=user).filter(entity_id=entity_id).first()
    if row is None:
        raise Http404
    return row


# -- visits ---------------------------------------------------------------------------------------------------


def visit_list(
    *, user, region_code: str | None = None, entity_id: int | None = None, cadre_id: int | None = None,
    quarter: int | None = None, needs_review: bool | None = None,
) -> QuerySet[Visit]:  # fmt: skip
    qs = narrow_to(scope_entity_rows(Visit.objects.all(), user), region_code)
    if entity_id:
        qs = qs.filter(entity_id=entity_id)
    if cadre_id:
        qs = qs.filter(cadre_id=cadre_id)
    if quarter:
        qs = qs.filter(quarter=quarter)
    if needs_review is not None:
        qs = qs.filter(needs_review=needs_review)
    return qs.select_related("entity", "cadre", "region", "checklist").order_by("-signed_at", "-pk")


def visit_get(*, user, pk: int) -> Visit:
    qs = Visit.objects.select_related("entity", "cadre", "region", "checklist", "signed_by")
    return get_entity_row(qs, user, pk=pk)


def visit_answers(visit: Visit):
    return visit.answers.select_related("item").prefetch_related("attachments").order_by("item__position")


# -- problems -------------------------------------------------------------------------------------------------

PROBLEM_STATES = ("open", "submitted", "closed", "overdue", "unclosed", "soon")


def problem_list(
    *, user, region_code: str | None = None, status: str = "", entity_id: int | None = None, mine: bool = False,
    escalated: bool | int = False,
) -> QuerySet[Problem]:  # fmt: skip
    qs = narrow_to(scope_entity_rows(Problem.objects.all(), user), region_code)
    if status == "overdue":
        qs = qs.exclude(status=Problem.Status.CLOSED).filter(due_at__lt=timezone.now())
    elif status == "unclosed":
        qs = qs.exclude(status=Problem.Status.CLOSED)
    elif status == "soon":  # unclosed and due within the work list's horizon (the rule worklist.due_soon_days)
        now = timezone.now()
        days = rules.value(DUE_SOON_RULE, region_code or getattr(user, "region_id", "") or "")
        qs = qs.exclude(status=Problem.Status.CLOSED).filter(due_at__gte=now, due_at__lt=now + timedelta(days=days))
    elif status:
        qs = qs.filter(status=status)
    if entity_id:
        qs = qs.filter(entity_id=entity_id)
    if mine:
        qs = qs.filter(cadre__user=user)
    if escalated:  # True or 1: escalated at all; 2: escalated to the county
        qs = qs.filter(escalation__gte=int(escalated))
    return qs.select_related("entity", "cadre", "region", "item").order_by("status", "due_at", "pk")


def problem_get(*, user, pk: int) -> Problem:
    qs = Problem.objects.select_related("entity", "cadre", "region", "item", "visit", "closed_by")
    return get_entity_row(qs, user, pk=pk)


def problem_events(problem: Problem):
    return problem.events.select_related("actor").prefetch_related("attachments")


# -- coverage -------------------------------------------------------------------------------------------------


def _coverage_base(user, region_code: str | None, quarter: int) -> QuerySet[Guarantee]:
    """Guarantees in force by the quarter's end, each marked visited or not in that quarter."""
    qs = narrow_to(scope_queryset(Guarantee.objects.all(), user, "entity__region"), region_code, "entity__region")
    within = region_code or scope_prefix(user) or ""
    visited = visited_enough(Visit.objects.filter(entity=OuterRef("entity"), quarter=quarter), quarter, within=within)
    return qs.filter(since__lte=quarter_bounds(quarter)[1]).annotate(
        v=Case(When(visited, then=1), default=0, output_field=IntegerField())
    )


def coverage(*, user, region_code: str | None, quarter: int) -> dict:
    """Due, visited and missed per area and per grade; overdue once the quarter has ended."""
    base = _coverage_base(user, region_code, quarter)
    ended = quarter_bounds(quarter)[1] < timezone.localdate()
    length = child_length(region_code)
    rows = (
        base.annotate(area=Substr("entity__region_id", 1, length), grade=baobao_grade("entity__"))
        .values("area", "grade")
        .annotate(due=Count("pk"), visited=Sum("v"))
        .order_by("area", "grade")
    )
    areas: dict[str, dict] = {}
    grades = {g: {"due": 0, "visited": 0} for g in (*GRADES, "")}
    for row in rows:
        area = areas.setdefault(row["area"], {"code": row["area"], "due": 0, "visited": 0})
        area["due"] += row["due"]
        area["visited"] += row["visited"] or 0
        bucket = grades.setdefault(row["grade"] or "", {"due": 0, "visited": 0})
        bucket["due"] += row["due"]
        bucket["visited"] += row["visited"] or 0
    total = {"due": sum(a["due"] for a in areas.values()), "visited": sum(a["visited"] for a in areas.values())}
    for bucket in (total, *areas.values(), *grades.values()):
        bucket["missed"] = bucket["due"] - bucket["visited"]
        bucket["overdue"] = bucket["missed"] if ended else 0
        bucket["rate"] = 100 * bucket["visited"] / bucket["due"] if bucket["due"] else None
    visits = visit_list(user=user, region_code=region_code, quarter=quarter)
    return {
        "quarter": quarter,
        "ended": ended,
        "total": total,
        "areas": sorted(areas.values(), key=lambda a: a["code"]),
        "grades": [(g, grades[g]) for g in GRADES if grades[g]["due"]]
        + ([("", grades[""])] if grades[""]["due"] else []),
        "visits": visits.count(),
        "needs_review": visits.filter(needs_review=True).count(),
        # the frequency in force in the region itself (a sub-region may override it; each entity counts by its own)
        "visits_per_quarter": rules.value(
            VISITS_PER_QUARTER, region_code or scope_prefix(user) or "", _rule_day(quarter)
        ),
    }


def coverage_report(*, user, region_code: str | None, quarter: int) -> dict:
    """What the coverage page and /api/v1/visits/coverage show: `coverage` with each area's name (blank when
    the region is unknown or outside the user's jurisdiction) and `idle`, the cadres who signed no visit."""
    data = coverage(user=user, region_code=region_code, quarter=quarter)
    names = region_selectors.region_names(user=user, codes=[area["code"] for area in data["areas"]])
    for area in data["areas"]:
        area["name"] = names.get(area["code"], "")
    data["idle"] = cadres_without_visits(user=user, region_code=region_code, quarter=quarter)
    return data


def coverage_page(*, user, region_code: str | None, quarter: int) -> tuple[dict, datetime, bool]:
    """What the coverage page shows: `coverage_report` with the first 50 idle cadres ("idle") and their number
    ("idle_count"), the first 50 rows of `cadre_coverage` ("cadres") and the first 50 visits to check ("review"),
    with the time it was counted and whether that was a little earlier: a region's quarter is kept a short while
    in the shared figures cache (core.figcache), which any audited write in the county drops."""
    scope = scope_prefix(user)

    def count() -> dict:
        data = coverage_report(user=user, region_code=region_code, quarter=quarter)
        idle = data["idle"]
        review = visit_list(user=user, region_code=region_code, quarter=quarter, needs_review=True)
        return {
            **data,
            "idle": list(idle[:50]),
            "idle_count": idle.count(),
            "review": list(review[:50]),
            "cadres": list(cadre_coverage(user=user, region_code=region_code, quarter=quarter)[:50]),
        }

    return figcache.remember(
        kind="visits.coverage", code=region_code or scope or "",
        key=(scope, region_code or "", getattr(user, "entity_id", None) or "", quarter, timezone.localdate()),
        compute=count,
    )  # fmt: skip


def cadre_coverage(*, user, region_code: str | None, quarter: int, idle_only: bool = False) -> QuerySet:
    """Per cadre: entities due, visited, and the visits they signed in the quarter; idle = no visit at all."""
    rows = (
        _coverage_base(user, region_code, quarter)
        .values("cadre_id", "cadre__name", "cadre__level", "cadre__region__name")
        .annotate(due=Count("pk"), visited=Sum("v"))
    )
    if idle_only:
        rows = rows.filter(visited=0)
    return rows.order_by("visited", "cadre__region__name", "cadre__name", "cadre_id")


def cadres_without_visits(*, user, region_code: str | None, quarter: int) -> QuerySet[Cadre]:
    """Cadres who guarantee entities in the region yet signed no visit in the quarter."""
    guarantors = _coverage_base(user, region_code, quarter).values("cadre_id")
    signed = Visit.objects.filter(cadre=OuterRef("pk"), quarter=quarter)
    return (
        Cadre.objects.filter(pk__in=guarantors)
        .exclude(Exists(signed))
        .select_related("region")
        .order_by("region_id", "name", "pk")
    )


# -- attachments ----------------------------------------------------------------------------------------------


def attachment_get(*, user, pk: int, original: bool = False) -> Attachment:
    """A photo or file the user may open: one of their own uploads, or one on a visit or problem they can see.
    The original (with its EXIF, GPS included) is for regulators only, never for an enterprise account."""
    attachment = Attachment.objects.filter(pk=pk).select_related("answer", "event").first()
    if attachment is None:
        raise Http404
    if attachment.answer_id:
        visit_get(user=user, pk=attachment.answer.visit_id)
    elif attachment.event_id:
        problem_get(user=user, pk=attachment.event.problem_id)
    elif attachment.uploaded_by_id != user.pk:
        raise Http404
    if original and (user.role == Role.ENTERPRISE or not attachment.original):
        raise Http404
    return attachment
