"""Reads of the cadre roster, scoped to the acting user's jurisdiction."""

from django.db.models import Case, Count, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from shian.accounts.models import Role
from shian.core.jurisdiction import get_in_scope, narrow_to, scope_entity_rows, scope_prefix, scope_queryset
from shian.entities.models import Entity, baobao_grade

from . import grading
from .models import Assignment, AssignmentRun, Cadre, CadreLevel, Change, Commitment, Guarantee


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


def own_cadre(*, user) -> Cadre | None:
    """The cadre record bound to this login, for a cadre's own lists and commitment."""
    return Cadre.objects.filter(user=user).first() if user.is_authenticated else None


def own_guarantor(*, user, entity) -> dict | None:
    """What a business may know of its 包保 side (docs/security.md): its own guarantor's name, level and work phone,
    nothing of the roster. None when the user may not see the entity or nobody guarantees it yet."""
    rows = scope_entity_rows(
        Guarantee.objects.filter(entity=entity), user, entity_field="entity", field="entity__region"
    )
    guarantee = rows.select_related("cadre").first()
    if guarantee is None:
        return None
    cadre = guarantee.cadre
    return {"name": cadre.name, "level": cadre.get_level_display(), "phone": cadre.phone}


def cadre_guarantees(*, user, cadre: Cadre) -> QuerySet[Guarantee]:
    """The entities a cadre guarantees now (published), each with its grade as `entity_grade`, for their lists
    and commitment."""
    cadre_get(user=user, pk=cadre.pk)
    return (
        Guarantee.objects.filter(cadre=cadre)
        .annotate(entity_grade=baobao_grade("entity__"))
        .select_related("entity", "entity__region", "supporter")
        .order_by("entity__region_id", "entity__name")
    )


def grade_counts(*, user, region_code: str | None) -> dict[str, int]:
    """Active entities under the region by 包保 grade ("" = not graded yet)."""
    entities = narrow_to(scope_queryset(Entity.objects.exclude(status=Entity.Status.DEREGISTERED), user), region_code)
    rows = entities.annotate(grade=baobao_grade()).values("grade").annotate(n=Count("pk")).order_by()
    return {row["grade"]: row["n"] for row in rows}


def unguaranteed(*, user, region_code: str | None) -> QuerySet[Entity]:
    """Active entities with no cadre in effect: the gaps a leader must see first."""
    entities = narrow_to(scope_queryset(Entity.objects.exclude(status=Entity.Status.DEREGISTERED), user), region_code)
    entities = entities.filter(guarantee__isnull=True).annotate(baobao_grade=baobao_grade())
    return entities.select_related("region").order_by("region_id", "name")


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


def guarantee_list(*, user, region_code: str | None, q: str = "", grade: str = "") -> QuerySet[Guarantee]:
    """Who guarantees what under the region: entity (with its grade as `entity_grade`), cadre and station
    contact, searchable by either name."""
    qs = narrow_to(scope_queryset(Guarantee.objects.all(), user, "entity__region"), region_code, "entity__region")
    qs = qs.annotate(entity_grade=baobao_grade("entity__"))
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(entity__name__contains=q) | Q(cadre__name__contains=q))
    if grade:
        qs = qs.filter(entity_grade=grade)
    return qs.select_related("entity", "entity__region", "cadre", "supporter").order_by("entity__region_id", "pk")


MAP_POINTS = 20_000


def map_points(*, user, region_code: str | None) -> tuple[list[tuple], int]:
    """Located active entities as (lng, lat, grade, guaranteed, name, cadre), most important grades first and at
    most MAP_POINTS of them (a province has a million; the D-grade tail is what gets cut), and the total."""
    entities = narrow_to(scope_queryset(Entity.objects.exclude(status=Entity.Status.DEREGISTERED), user), region_code)
    located = entities.filter(longitude__isnull=False, latitude__isnull=False)
    rows = (
        located.annotate(grade=baobao_grade())
        .order_by("grade", "pk")
        .values_list("longitude", "latitude", "grade", "guarantee__cadre_id", "name", "guarantee__cadre__name")[
            :MAP_POINTS
        ]
    )
    points = [(float(x), float(y), g or "-", cadre is not None, name, who or "") for x, y, g, cadre, name, who in rows]
    return points, located.count()


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
    if run.incremental:
        ended = Guarantee.objects.filter(entity_id__in=run.params.get("dropped", []))
    else:
        current = narrow_to(Guarantee.objects.all(), run.region_id, "entity__region")
        ended = current.exclude(entity__in=run.assignments.values("entity"))
    return ended.select_related("entity", "cadre")


def township_cadres(*, user, township_code: str) -> QuerySet[Cadre]:
    """Cadres of a township and its villages who guarantee someone: the batch of one zip download."""
    qs = narrow_to(scope_queryset(Cadre.objects.select_related("region"), user), township_code)
    return qs.filter(guarantees__isnull=False).distinct().order_by("region_id", "level", "name", "pk")


CHANGE_STATES = ("open", "overdue", "all")


def change_list(*, user, region_code: str | None = None, state: str = "open") -> QuerySet[Change]:
    """包保 changes in scope: open ones (or only those past the reassignment deadline) most urgent first, or all,
    newest first. An enterprise account sees only its own entity's."""
    qs = Change.objects.select_related("entity", "cadre", "region")
    if getattr(user, "role", None) == Role.ENTERPRISE:
        qs = qs.filter(entity_id=user.entity_id) if user.entity_id else qs.none()
    qs = narrow_to(scope_queryset(qs, user), region_code)
    if state == "all":
        return qs.order_by("-recorded_at", "-pk")
    qs = qs.filter(resolved_at__isnull=True)
    if state == "overdue":
        qs = qs.filter(reassign_due__lt=timezone.now())
    return qs.order_by("reassign_due", "pk")


def overdue_change_count(*, user, region_code: str | None) -> int:
    """Open changes past their reassignment deadline: the alert figure for a region."""
    return change_list(user=user, region_code=region_code, state="overdue").count()
