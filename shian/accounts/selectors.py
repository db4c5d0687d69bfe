"""Reads of accounts and tokens, scoped to the acting user's jurisdiction."""

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core.jurisdiction import get_entity_row, get_in_scope, narrow_to, scope_entity_rows, scope_queryset
from shian.core.permissions import require_perm
from shian.entities.models import Entity

from .models import ADMIN_ROLES, ApiToken, Invitation, JoinedVia, Role, User


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


# --------------------------------------------------------------------------- enterprise accounts (issue 8)


def staff_entity_get(*, user, entity_id: int, perm: str = "accounts.view_entity_staff") -> Entity:
    """The entity whose accounts `user` wants to see or manage: 404 when it lies outside the user's jurisdiction
    (an enterprise account sees only its own entity), 403 when the role may not do this at all."""
    entity = (
        scope_entity_rows(Entity.objects.select_related("region"), user, entity_field="pk").filter(pk=entity_id).first()
    )
    if entity is None:
        raise Http404(_("未找到该记录，或不在您的管辖范围内。"))
    require_perm(user, perm)
    return entity


def entity_accounts(*, user, entity: Entity) -> QuerySet[User]:
    """The enterprise accounts bound to `entity` (already checked with staff_entity_get)."""
    staff_entity_get(user=user, entity_id=entity.pk)
    return User.objects.filter(entity=entity, role=Role.ENTERPRISE).order_by("-is_active", "entity_role", "name", "pk")


def invitation_list(
    *, user, entity: Entity | None = None, region_code: str | None = None, status: str = ""
) -> QuerySet[Invitation]:
    """Invitations the user may see: for one entity, or all in the user's jurisdiction (narrowed to
    `region_code`). `status` filters pending / accepted / revoked / expired."""
    if not user.has_perm("accounts.view_entity_staff"):
        return Invitation.objects.none()
    qs = scope_entity_rows(
        Invitation.objects.select_related("entity", "created_by", "account"), user, field="entity__region"
    )
    qs = narrow_to(qs, region_code, field="entity__region")
    if entity is not None:
        qs = qs.filter(entity=entity)
    now = timezone.now()
    if status == Invitation.Status.ACCEPTED:
        qs = qs.filter(accepted_at__isnull=False)
    elif status == Invitation.Status.REVOKED:
        qs = qs.filter(accepted_at=None, revoked_at__isnull=False)
    elif status == Invitation.Status.EXPIRED:
        qs = qs.filter(accepted_at=None, revoked_at=None, expires_at__lte=now)
    elif status == Invitation.Status.PENDING:
        qs = qs.filter(accepted_at=None, revoked_at=None, expires_at__gt=now)
    return qs.order_by("-created_at", "-id")


def invitation_get(*, user, pk: int) -> Invitation:
    if not user.has_perm("accounts.view_entity_staff"):
        raise Http404(_("未找到该记录，或不在您的管辖范围内。"))
    return get_entity_row(
        Invitation.objects.select_related("entity", "created_by", "account"), user, field="entity__region", pk=pk
    )


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation behind a link's token, whatever its state, or None (public: the token is the credential)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    return (
        Invitation.objects.select_related("entity", "entity__region")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )


def enterprise_account_get(*, user, pk: int) -> User:
    """An enterprise account of an entity the user may switch accounts of (station, administrators, the
    entity's own principal), else 404."""
    account = User.objects.filter(pk=pk, role=Role.ENTERPRISE).select_related("entity").first()
    if account is None or account.entity_id is None:
        raise Http404(_("未找到该记录，或不在您的管辖范围内。"))
    staff_entity_get(user=user, entity_id=account.entity_id, perm="accounts.switch_entity_staff")
    return account


def recent_self_registrations(*, user, region_code: str | None = None, days: int = 30) -> QuerySet[User]:
    """Self-registered enterprise accounts of the last `days` days in the user's jurisdiction, for checking."""
    if not user.has_perm("accounts.manage_entity_staff"):
        return User.objects.none()
    since = timezone.now() - datetime.timedelta(days=days)
    qs = User.objects.filter(
        role=Role.ENTERPRISE, joined_via=JoinedVia.SELF_REGISTRATION, date_joined__gte=since
    ).select_related("entity")
    qs = narrow_to(scope_queryset(qs, user, field="entity__region"), region_code, field="entity__region")
    return qs.order_by("-date_joined", "-pk")


def operators() -> QuerySet:
    """Who is told when a scheduled job fails (shian.core.schedule): the active administrators at the top of the
    region tree (those of the shortest region any administrator has: the province, or the whole country), and
    the superusers."""
    admins = User.objects.filter(is_active=True, role__in=ADMIN_ROLES)
    codes = {c or "" for c in admins.values_list("region_id", flat=True).distinct()}
    shortest = min((len(c) for c in codes), default=0)
    top = [c for c in codes if len(c) == shortest]
    at_top = Q(region_id__in=[c for c in top if c]) | (Q(region__isnull=True) if "" in top else Q(pk__in=[]))
    return User.objects.filter(
        Q(is_active=True, is_superuser=True) | (Q(pk__in=admins.filter(at_top)) if codes else Q(pk__in=[]))
    )
