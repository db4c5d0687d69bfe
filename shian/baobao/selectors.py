"""Reads of the cadre roster, scoped to the acting user's jurisdiction."""

from django.db.models import Case, Count, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from shian.core.jurisdiction import get_in_scope, narrow_to, scope_prefix, scope_queryset
from shian.entities.models import Entity

from . import grading
from .models import Assignment, AssignmentRun, Cadre, CadreLevel, Commitment, Guarantee


def cadre_list(
    *, user, region_code: str | None = None, q: str = "", level: str = "", status: str = ""
) -> QuerySet[Cadre]:
    qs = narrow_to(scope_queryset(Cadre.objects.select_related("region", "department"), user), region_code)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(position__contains=q))
    if level:
        qs = qs.filter(level=level)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("region_id", "level", "name", "pk")


def cadre_get(*, user, pk: int) -> Cadre:
    return get_in_scope(Cadre.objects.select_related("region", "department"), user, pk=pk)


def cadre_guarantees(*, user, cadre: Cadre) -> QuerySet[Guarantee]:
    """The entities a cadre guarantees now (published), for their lists and commitment."""
    cadre_get(user=user, pk=cadre.pk)
    return (
        Guarantee.objects.filter(cadre=cadre)
        .select_related("entity", "entity__region", "supporter")
        .order_by("entity__region_id", "entity__name")
    )


def grade_counts(*, user, region_code: str | None) -> dict[str, int]:
    """Active entities under the region by 包保 grade ("" = not graded yet)."""
    entities = narrow_to(scope_queryset(Entity.objects.exclude(status=Entity.Status.DEREGISTERED), user), region_code)
    rows = entities.values("baobao_grade").annotate(n=Count("pk")).order_by()
    return {row["baobao_grade"]: row["n"] for row in rows}


def unguaranteed(*, user, region_code: str | None) -> QuerySet[Entity]:
    """Active entities with no cadre in effect: the gaps a leader must see first."""
    entities = narrow_to(scope_queryset(Entity.objects.exclude(status=Entity.Status.DEREGISTERED), user), region_code)
    return entities.filter(guarantee__isnull=True).select_related("region").order_by("region_id", "name")


def workload(*, user, region_code: str | None) -> QuerySet[Cadre]:
    """Active cadres under the region with how many entities each guarantees now (`load`) and their limit
    (`limit`: the cadre's own, else the policy's for the level), busiest first."""
    capacity = grading.policy_for(region_code or scope_prefix(user) or "").capacity
    default = Case(*[When(level=level, then=Value(n)) for level, n in capacity.items()], default=Value(0))
    load = Guarantee.objects.filter(cadre=OuterRef("pk")).values("cadre").annotate(n=Count("pk")).values("n")
    cadres = cadre_list(user=user, region_code=region_code, status=Cadre.Status.ACTIVE)
    return cadres.annotate(
        load=Coalesce(Subquery(load), 0), limit=Coalesce("capacity", default, output_field=IntegerField())
    ).order_by("-load", "region_id", "pk")


def workload_by_level(cadres: QuerySet[Cadre]) -> list[dict]:
    """Per level: cadres, those guaranteeing someone, entities, the busiest load and how many are over limit."""
    rows = (
        cadres.values("level")
        .annotate(
            cadres=Count("pk"),
            working=Count("pk", filter=Q(load__gt=0)),
            entities=Sum("load"),
            busiest=Max("load"),
            over=Count("pk", filter=Q(load__gt=F("limit"))),
        )
        .order_by()
    )
    by_level = {row["level"]: row for row in rows}
    return [{"level": level, "label": label, **by_level.get(level, {})} for level, label in CadreLevel.choices]


def commitment_count(*, user, region_code: str | None, year: int) -> int:
    """Cadres under the region who confirmed the year's 承诺书."""
    cadres = cadre_list(user=user, region_code=region_code)
    return Commitment.objects.filter(year=year, cadre__in=cadres.values("pk")).count()


def run_list(*, user, region_code: str | None) -> QuerySet[AssignmentRun]:
    runs = narrow_to(scope_queryset(AssignmentRun.objects.select_related("region", "created_by"), user), region_code)
    return runs.select_related("published_by").order_by("-created_at", "-pk")


def run_get(*, user, pk: int) -> AssignmentRun:
    return get_in_scope(AssignmentRun.objects.select_related("region", "created_by", "published_by"), user, pk=pk)


def run_diff(run: AssignmentRun) -> QuerySet[Assignment]:
    """A draft's assignments that differ from the guarantees in effect (new entity or another cadre), the
    reviewer's reading before publishing; `current_cadre` is the cadre in effect, None for a new entity."""
    current = Guarantee.objects.filter(entity=OuterRef("entity"))
    return (
        run.assignments.annotate(
            current_cadre=Subquery(current.values("cadre")), current_cadre_name=Subquery(current.values("cadre__name"))
        )
        .exclude(current_cadre=F("cadre"))
        .select_related("entity", "entity__region", "cadre")
        .order_by("entity__region_id", "entity__name", "pk")
    )


def run_dropped(run: AssignmentRun) -> QuerySet[Guarantee]:
    """Guarantees in effect under the run's region that the draft would end (closed entity, no cadre left)."""
    current = narrow_to(Guarantee.objects.all(), run.region_id, "entity__region")
    return current.exclude(entity__in=run.assignments.values("entity")).select_related("entity", "cadre")


def township_cadres(*, user, township_code: str) -> QuerySet[Cadre]:
    """Cadres of a township and its villages who guarantee someone: the batch of one zip download."""
    qs = narrow_to(scope_queryset(Cadre.objects.select_related("region"), user), township_code)
    return qs.filter(guarantees__isnull=False).distinct().order_by("region_id", "level", "name", "pk")
