"""Reads of cases (docs/cases.md): the scoped list with its filters, one case, its parties masked, the sources
waiting for a case (referrals, failed-sample disposals, overdue 包保 problems, reports), who handles a case, and the
penalties that the risk score and (issue 22) credit read."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from shian.accounts.models import ADMIN_ROLES, Role, User
from shian.complaints.models import Complaint
from shian.core.jurisdiction import get_entity_row, narrow_to, scope_entity_rows, scope_queryset
from shian.core.masking import mask_id_number, mask_phone
from shian.core.periods import day_end
from shian.core.regioncodes import COUNTY, ancestor, prefixes
from shian.inspections.models import CaseReferral
from shian.sampling.models import Disposal
from shian.sampling.selectors.samples import station_for
from shian.visits.models import Problem

from ..models import Case, CaseEvidence, LegalArticle, ReportRequest, Supervision

SOURCE_KINDS = ("referral", "disposal", "problem", "report")


def _visible(user) -> QuerySet[Case]:
    qs = Case.objects.select_related("entity", "region", "supervision")
    return scope_entity_rows(qs, user)


def overdue_q(now: datetime.datetime | None = None) -> Q:
    return Q(status=Case.Status.OPEN, decision_due__lt=now or timezone.now())


def case_list(*, user, region_code: str | None = None, status: str = "", overdue: bool = False, source: str = "",
              supervised: bool = False, entity_id: int | None = None, q: str = "") -> QuerySet[Case]:  # fmt: skip
    """Cases in the user's reach, newest first, filtered as the list page and the API offer."""
    qs = narrow_to(_visible(user), region_code)
    if status in Case.Status.values:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(overdue_q())
    if source in Case.Source.values:
        qs = qs.filter(source=source)
    if supervised:
        qs = qs.filter(supervision__isnull=False)
    if entity_id:
        qs = qs.filter(entity_id=entity_id)
    q = (q or "").strip()[:50]
    if q:
        qs = qs.filter(Q(number__startswith=q.upper()) | Q(title__contains=q) | Q(entity__name__contains=q))
    return qs.order_by("-opened_at", "-id")


def case_get(*, user, pk: int) -> Case:
    return get_entity_row(_visible(user), user, pk=pk)


def masked_parties(case: Case) -> list[dict]:
    """The named persons with ID and phone numbers masked (the clear values only through shian.core.pii.unmask)."""
    return [
        {"id": p.pk, "kind": p.get_kind_display(), "name": p.name, "id_number": mask_id_number(p.id_number),
         "phone": mask_phone(p.phone), "address": p.address}
        for p in case.parties.order_by("pk")
    ]  # fmt: skip


def evidence_get(*, user, pk: int) -> CaseEvidence:
    return get_entity_row(
        CaseEvidence.objects.filter(case__isnull=False).select_related("case"), user, entity_field="case__entity",
        field="case__region", pk=pk,
    )  # fmt: skip


def report_request_get(*, user, pk: int) -> ReportRequest:
    return get_entity_row(
        ReportRequest.objects.select_related("supervision__case"), user, entity_field="supervision__case__entity",
        field="supervision__case__region", pk=pk,
    )  # fmt: skip


def articles() -> QuerySet[LegalArticle]:
    return LegalArticle.objects.filter(active=True).order_by("law", "code")


def supervision_of(case: Case) -> Supervision | None:
    return Supervision.objects.filter(case=case).first()


def approvers(case: Case) -> list[User]:
    """Who may approve an extension: the active administrators whose region covers the case."""
    return list(
        User.objects.filter(is_active=True, role__in=ADMIN_ROLES, region_id__in=prefixes(case.region_id)).order_by(
            "region_id", "pk"
        )[:50]
    )


def handlers(region_code: str) -> list[User]:
    """Who is told about a case: the inspectors of the station covering it, else the county's administrators."""
    station = station_for(region_code)
    users = list(station.inspectors.filter(is_active=True)) if station else []
    return users or county_admins(region_code)


def county_admins(region_code: str) -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.COUNTY_ADMIN, region_id=ancestor(region_code, COUNTY)))


def level_admins(level_code: str) -> list[User]:
    return list(User.objects.filter(is_active=True, role__in=ADMIN_ROLES, region_id=level_code))


def escalation_targets(case: Case) -> list[User]:
    """An overdue case escalates to the county's administrators and, when supervised, the supervising level."""
    users = county_admins(case.region_id)
    sup = supervision_of(case)
    if sup is not None:
        users += level_admins(sup.level_id)
    return users


class Recipients:
    """`handlers` and `escalation_targets` for one run of the checker (docs/cases.md §2): each looked up once per
    region, county and supervising level, not once per case. `escalation_targets` reads the case's supervision
    from the case as selected (`select_related("supervision")`), else with one query."""

    def __init__(self):
        self._seen: dict[tuple[str, str], list[User]] = {}

    def _once(self, key: tuple[str, str], compute) -> list[User]:
        if key not in self._seen:
            self._seen[key] = compute()
        return self._seen[key]

    def handlers(self, region_code: str) -> list[User]:
        return self._once(("handlers", region_code), lambda: handlers(region_code))

    def escalation_targets(self, case: Case) -> list[User]:
        county = ancestor(case.region_id, COUNTY) or case.region_id
        users = list(self._once(("county", county), lambda: county_admins(case.region_id)))
        sup = getattr(case, "supervision", None)  # a case without one raises RelatedObjectDoesNotExist: None
        if sup is not None:
            users += self._once(("level", sup.level_id), lambda: level_admins(sup.level_id))
        return users


# -- sources waiting for a case -----------------------------------------------------------------------------------


def pending_referrals(*, user, region_code=None) -> QuerySet[CaseReferral]:
    qs = CaseReferral.objects.filter(status=CaseReferral.Status.NEW).select_related("entity")
    return narrow_to(scope_queryset(qs, user), region_code).order_by("created_at", "pk")


def pending_disposals(*, user, region_code=None) -> QuerySet[Disposal]:
    filed = Case.objects.filter(disposal=OuterRef("pk"))
    qs = Disposal.objects.exclude(retest_passed=True).exclude(Exists(filed)).select_related("entity", "sample")
    return narrow_to(scope_queryset(qs, user), region_code).order_by("opened_at", "pk")


def overdue_problems(*, user, region_code=None, now=None) -> QuerySet[Problem]:
    """包保 problems past their rectification deadline, still unresolved and not yet referred to a case."""
    filed = Case.objects.filter(problem=OuterRef("pk"))
    qs = Problem.objects.filter(due_at__lt=now or timezone.now()).exclude(status=Problem.Status.CLOSED)
    qs = qs.exclude(Exists(filed)).select_related("entity")
    return narrow_to(scope_queryset(qs, user), region_code).order_by("due_at", "pk")


def pending_reports(*, user, region_code=None) -> QuerySet[Complaint]:
    filed = Case.objects.filter(complaint=OuterRef("pk"))
    # reports awaiting the filing decision, or decided "file" with no case opened here yet (docs/complaints.md)
    S = Complaint.Status
    qs = Complaint.objects.filter(kind=Complaint.Kind.REPORT).exclude(filed=False)
    qs = qs.exclude(status__in=[S.CLOSED, S.REFUSED, S.DUPLICATE])
    qs = qs.exclude(Exists(filed)).select_related("entity")
    return narrow_to(scope_queryset(qs, user), region_code).order_by("received_at", "pk")


def source_get(*, user, kind: str, pk: int):
    """One source row in the user's jurisdiction (404 otherwise)."""
    from django.http import Http404

    from shian.core.jurisdiction import get_in_scope

    model = {"referral": CaseReferral, "disposal": Disposal, "problem": Problem, "report": Complaint}.get(kind)
    if model is None:
        raise Http404
    qs = model.objects.filter(kind=Complaint.Kind.REPORT) if model is Complaint else model.objects.all()
    return get_in_scope(qs, user, pk=pk)


# -- penalties (risk score, credit) -------------------------------------------------------------------------------


def _penalised(since: datetime.date) -> QuerySet[Case]:
    start = day_end(since - datetime.timedelta(days=1))
    return (
        Case.objects.filter(status__in=[Case.Status.DECIDED, Case.Status.CLOSED], decided_at__gte=start,
                            entity__isnull=False)
        .exclude(penalties=[])
        .exclude(penalties=[Case.Penalty.NONE])
    )  # fmt: skip


def penalties_of(entity_ids, since: datetime.date) -> dict[int, list[dict]]:
    """The administrative penalties decided against these entities on or after `since`, per entity, oldest first
    (the credit module, issue 22, reads this): number, decision number and date, kinds, amounts."""
    rows = _penalised(since).filter(entity_id__in=list(entity_ids)).order_by("decided_at", "pk")
    out: dict[int, list[dict]] = {}
    for case in rows.only("pk", "entity_id", "number", "decision_number", "decided_at", "penalties", "fine_amount",
                          "confiscated_amount", "title"):  # fmt: skip
        out.setdefault(case.entity_id, []).append(
            {"case_id": case.pk, "number": case.number, "title": case.title, "decision_number": case.decision_number,
             "decided_on": timezone.localtime(case.decided_at).date(), "penalties": list(case.penalties),
             "fine_amount": case.fine_amount, "confiscated_amount": case.confiscated_amount}
        )  # fmt: skip
    return out


def penalty_counts(entity_ids: list[int] | None, since: datetime.date, prefix: str = "") -> dict[int, int]:
    """Penalty decisions per entity since `since`: the `cases` risk factor (shian.inspections.riskfactors)."""
    qs = _penalised(since)
    if entity_ids is not None:
        qs = qs.filter(entity_id__in=entity_ids)
    elif prefix:
        qs = narrow_to(qs, prefix)
    return dict(qs.order_by().values_list("entity_id").annotate(n=Count("pk")).values_list("entity_id", "n"))
