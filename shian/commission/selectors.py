"""Reads of the commission's records, scoped to the user's jurisdiction; a department user sees only the decisions
and ledger lines its department leads, a township sees the decisions it leads (docs/commission.md §5)."""

from django.db.models import Q, QuerySet

from shian.accounts.models import Department, Role
from shian.core.jurisdiction import scope_prefix, scope_queryset

from .models import AssessmentRound, Decision, KeyWork, Meeting, SharingPackage, Volunteer


def is_department_user(user) -> bool:
    return not user.is_superuser and user.role == Role.DEPARTMENT_STAFF


def meetings_for(user) -> QuerySet:
    return scope_queryset(Meeting.objects.all(), user)


def decisions_for(user) -> QuerySet:
    prefix = scope_prefix(user)
    qs = Decision.objects.select_related("meeting", "lead_department", "lead_township")
    if prefix is None:
        return qs.none()
    qs = qs.filter(Q(region__code__startswith=prefix) | Q(lead_township__code__startswith=prefix)) if prefix else qs
    if is_department_user(user):
        qs = qs.filter(lead_department_id=user.department_id)
    return qs


def keywork_for(user) -> QuerySet:
    qs = scope_queryset(KeyWork.objects.select_related("lead_department").prefetch_related("supporting"), user)
    if is_department_user(user):
        qs = qs.filter(lead_department_id=user.department_id)
    return qs


def packages_for(user) -> QuerySet:
    return scope_queryset(SharingPackage.objects.select_related("region"), user)


def rounds_for(user) -> QuerySet:
    return scope_queryset(AssessmentRound.objects.select_related("sheet"), user, field="sheet__region")


def volunteers_for(user) -> QuerySet:
    return scope_queryset(Volunteer.objects.all(), user, field="township")


def departments() -> QuerySet:
    """The member units a form offers as leads and attendees (the department list is not regional)."""
    return Department.objects.order_by("code")
