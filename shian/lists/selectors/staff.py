"""What staff read of the lists (docs/lists.md §4), scoped to the user's jurisdiction: editions of regions under it,
dishonesty entries and repair applications of businesses under it (an enterprise account: its own business's
entries only), joint-punishment flags raised in it. A row outside is a 404."""

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from shian.core.jurisdiction import get_entity_row, get_in_scope, narrow_to, scope_entity_rows, scope_queryset

from ..models import DishonestyEntry, Edition, EditionLine, JointFlag, RepairApplication
from .candidates import SOURCE_LABELS, source_url


def _editions(user) -> QuerySet[Edition]:
    return scope_queryset(Edition.objects.select_related("region", "drafted_by", "reviewed_by", "approved_by"), user)


def edition_list(*, user, region_code: str | None = None, status: str = "") -> QuerySet[Edition]:
    qs = narrow_to(_editions(user), region_code)
    if status in Edition.Status.values:
        qs = qs.filter(status=status)
    return qs.annotate(n_lines=Count("lines")).order_by("-drafted_at", "-pk")


def edition_get(*, user, pk: int) -> Edition:
    return get_in_scope(_editions(user), user, pk=pk)


def line_get(*, user, pk: int) -> EditionLine:
    return get_in_scope(EditionLine.objects.select_related("edition"), user, field="edition__region", pk=pk)


def lines_of(edition: Edition) -> dict[str, list[dict]]:
    """The edition's lines per board, each with the staff link to its record."""
    out: dict[str, list[dict]] = {EditionLine.Board.RED: [], EditionLine.Board.BLACK: []}
    for line in (
        EditionLine.objects.filter(edition=edition).select_related("entity").order_by("board", "position", "pk")
    ):
        out[line.board].append({"line": line, "entity": line.entity.name, "address": line.entity.address,
                                "url": source_url(line.source_kind, line.source_id, line.entity_id),
                                "source": SOURCE_LABELS.get(line.source_kind, line.source_kind)})  # fmt: skip
    return out


def _entries(user) -> QuerySet[DishonestyEntry]:
    qs = DishonestyEntry.objects.select_related("entity", "case", "entity__region")
    return scope_entity_rows(qs, user, field="entity__region")


def entry_list(*, user, region_code: str | None = None, status: str = "", q: str = "",
               repair_pending: bool = False) -> QuerySet[DishonestyEntry]:  # fmt: skip
    qs = narrow_to(_entries(user), region_code, "entity__region")
    if status in DishonestyEntry.Status.values:
        qs = qs.filter(status=status)
    if repair_pending:
        qs = qs.filter(repairs__status=RepairApplication.Status.PENDING).distinct()
    q = (q or "").strip()[:50]
    if q:
        qs = qs.filter(Q(entity__name__contains=q) | Q(case__number__startswith=q.upper()))
    return qs.order_by("-listed_on", "-pk")


def entry_get(*, user, pk: int) -> DishonestyEntry:
    return get_entity_row(_entries(user), user, field="entity__region", pk=pk)


def repair_get(*, user, pk: int) -> RepairApplication:
    qs = RepairApplication.objects.select_related("entry__entity", "applied_by")
    return get_entity_row(qs, user, entity_field="entry__entity", field="entry__entity__region", pk=pk)


def pending_repairs(*, user, region_code: str | None = None) -> QuerySet[RepairApplication]:
    qs = RepairApplication.objects.filter(status=RepairApplication.Status.PENDING).select_related("entry__entity")
    qs = scope_entity_rows(qs, user, entity_field="entry__entity", field="entry__entity__region")
    return narrow_to(qs, region_code, "entry__entity__region").order_by("applied_at", "pk")


def _flags(user) -> QuerySet[JointFlag]:
    return scope_queryset(JointFlag.objects.select_related("entity", "entry__entity", "identity"), user)


def flag_list(*, user, region_code: str | None = None, status: str = "") -> QuerySet[JointFlag]:
    qs = narrow_to(_flags(user), region_code)
    if status in JointFlag.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def flag_get(*, user, pk: int) -> JointFlag:
    return get_in_scope(_flags(user), user, pk=pk)


def flag_source_url(flag: JointFlag) -> str:
    return reverse("entities:detail", args=[flag.entity_id])


def decided_cases(*, user, region_code: str | None = None, q: str = ""):
    """Cases with a penalty decision in the user's reach, not yet behind a listed entry: what may be listed."""
    from shian.cases.models import Case

    qs = scope_queryset(Case.objects.filter(status__in=[Case.Status.DECIDED, Case.Status.CLOSED], entity__isnull=False)
                        .exclude(penalties=[]).exclude(penalties=[Case.Penalty.NONE]), user)  # fmt: skip
    qs = narrow_to(qs, region_code)
    taken = DishonestyEntry.objects.filter(status=DishonestyEntry.Status.LISTED).values("case_id")
    qs = qs.exclude(pk__in=taken).select_related("entity")
    q = (q or "").strip()[:50]
    if q:
        qs = qs.filter(Q(number__startswith=q.upper()) | Q(entity__name__contains=q))
    return qs.order_by("-decided_at", "-pk")
