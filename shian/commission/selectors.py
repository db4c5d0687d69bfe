"""Reads of the commission's records, scoped to the user's jurisdiction; a department user sees only the decisions
and ledger lines its department leads (docs/commission.md §5)."""

from django.db.models import QuerySet

from shian.accounts.models import Role
from shian.core.jurisdiction import scope_queryset

from .models import Decision, KeyWork, Meeting, Volunteer


def is_department_user(user) -> bool:
    return not user.is_superuser and user.role == Role.DEPARTMENT_STAFF


def meetings_for(user) -> QuerySet:
    return scope_queryset(Meeting.objects.all(), user)


def decisions_for(user) -> QuerySet:
    qs = scope_queryset(Decision.objects.select_related("meeting", "lead_department", "lead_township"), user)
    if is_department_user(user):
        qs = qs.filter(lead_department_id=user.department_id)
    return qs


def keywork_for(user) -> QuerySet:
    qs = scope_queryset(KeyWork.objects.select_related("lead_department").prefetch_related("supporting"), user)
    if is_department_user(user):
        qs = qs.filter(lead_department_id=user.department_id)
    return qs


def volunteers_for(user) -> QuerySet:
    return scope_queryset(Volunteer.objects.all(), user, field="township")
