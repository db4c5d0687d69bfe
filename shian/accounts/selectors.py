"""Reads of accounts and tokens, scoped to the acting user's jurisdiction."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from shian.core.jurisdiction import get_in_scope, narrow_to, scope_queryset

from .models import ApiToken, User


def account_list(*, user, region_code: str | None = None, role: str = "", q: str = "") -> QuerySet[User]:
    """Accounts an administrator or auditor may see; everyone else sees only themselves."""
    qs = User.objects.select_related("region", "department", "entity")
    if not user.has_perm("accounts.view_accounts"):
        return qs.filter(pk=user.pk) if user.is_authenticated else qs.none()
    qs = narrow_to(scope_queryset(qs, user), region_code)
    if role:
        qs = qs.filter(role=role)
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(name__icontains=q))
    return qs.order_by("region_id", "username")


def account_get(*, user, pk: int) -> User:
    if user.is_authenticated and user.pk == pk:
        return user
    if not user.has_perm("accounts.view_accounts"):
        raise Http404(_("未找到该记录，或不在您的管辖范围内。"))
    return get_in_scope(User.objects.select_related("region", "department", "entity"), user, pk=pk)


def token_list(*, user) -> QuerySet[ApiToken]:
    if not user.has_perm("accounts.manage_tokens"):
        return ApiToken.objects.none()
    return scope_queryset(ApiToken.objects.select_related("user"), user, field="user__region")


def token_get(*, user, pk: int) -> ApiToken:
    if not user.has_perm("accounts.manage_tokens"):
        raise Http404(_("未找到该记录，或不在您的管辖范围内。"))
    return get_in_scope(ApiToken.objects.select_related("user"), user, field="user__region", pk=pk)
