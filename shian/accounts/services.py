"""Every write to accounts and API tokens: role rules, jurisdiction, audit."""

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core import audit
from shian.core.jurisdiction import require_in_scope
from shian.core.permissions import require_perm
from shian.entities.models import Entity
from shian.regions.models import Region

from .current_region import SESSION_KEY
from .models import ROLE_REGION_LEVELS, ApiToken, Department, Role, User

TOKEN_PREFIX = "shian_"
_EDITABLE = ("name", "phone", "role", "region", "department", "entity", "is_active")


def _resolve(*, actor, role: str, region_code: str | None, department_code: str | None, entity_id: int | None):
    """Check that role, region, department and entity fit together and lie in the actor's jurisdiction."""
    errors = {}
    if role not in Role.values:
        errors["role"] = _("未知角色：%(role)s") % {"role": role}
    entity = None
    if entity_id is not None:
        entity = Entity.objects.filter(pk=entity_id).select_related("region").first()
        if entity is None:
            errors["entity_id"] = _("主体不存在：%(id)s") % {"id": entity_id}
        else:
            require_in_scope(actor, entity.region_id)
            region_code = entity.region_id
    if role == Role.ENTERPRISE and entity_id is None:
        errors["entity_id"] = _("企业用户必须绑定一个市场主体。")
    if role != Role.ENTERPRISE and entity_id is not None:
        errors["entity_id"] = _("只有企业用户可以绑定市场主体。")
    region = Region.objects.filter(code=region_code or "").first()
    if region is None:
        errors["region_code"] = _("区划代码不存在：%(code)s") % {"code": region_code or ""}
    else:
        require_in_scope(actor, region.code)
        if role in Role.values and region.level not in ROLE_REGION_LEVELS[role]:
            errors["region_code"] = _("角色“%(role)s”不能设在“%(level)s”级区划。") % {
                "role": Role(role).label,
                "level": region.get_level_display(),
            }
    department = None
    if department_code:
        department = Department.objects.filter(code=department_code).first()
        if department is None:
            errors["department_code"] = _("部门不存在：%(code)s") % {"code": department_code}
    elif role == Role.DEPARTMENT_STAFF:
        errors["department_code"] = _("行业主管部门人员必须指定部门。")
    if errors:
        raise ValidationError(errors)
    return region, department, entity


@transaction.atomic
def create_account(
    *,
    actor,
    username: str,
    password: str,
    role: str,
    region_code: str | None = None,
    name: str = "",
    phone: str = "",
    department_code: str | None = None,
    entity_id: int | None = None,
) -> User:
    require_perm(actor, "accounts.manage_accounts")
    region, department, entity = _resolve(
        actor=actor, role=role, region_code=region_code, department_code=department_code, entity_id=entity_id
    )
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("用户名已被使用：%(u)s") % {"u": username}})
    account = User(
        username=username, name=name, phone=phone, role=role, region=region, department=department, entity=entity
    )
    try:
        validate_password(password, account)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    account.set_password(password)
    account.full_clean()
    account.save()
    audit.record(
        actor=actor, action="account.create", obj=account, region_code=region.code, after=audit.snapshot(account)
    )
    return account


@transaction.atomic
def update_account(*, actor, account: User, **changes) -> User:
    """Change profile, role or jurisdiction. Nobody changes their own role or region."""
    require_perm(actor, "accounts.manage_accounts")
    require_in_scope(actor, account.region_id)
    unknown = set(changes) - set(_EDITABLE) - {"region_code", "department_code", "entity_id"}
    if unknown:
        raise ValidationError(_("不能修改字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    if account.pk == actor.pk and {"role", "region_code", "is_active"} & set(changes):
        raise ValidationError(_("不能修改自己的角色、区划或启用状态。"))
    before = audit.snapshot(account)
    role = changes.get("role", account.role)
    region, department, entity = _resolve(
        actor=actor,
        role=role,
        region_code=changes.get("region_code", account.region_id),
        department_code=changes.get("department_code", account.department_id),
        entity_id=changes.get("entity_id", account.entity_id),
    )
    account.role, account.region, account.department, account.entity = role, region, department, entity
    for field in ("name", "phone", "is_active"):
        if field in changes:
            setattr(account, field, changes[field])
    account.full_clean(exclude=["password"])
    account.save()
    after = audit.snapshot(account)
    audit.record(actor=actor, action="account.update", obj=account, region_code=region.code, before=before, after=after)
    return account


@transaction.atomic
def reset_password(*, actor, account: User, password: str) -> None:
    require_perm(actor, "accounts.manage_accounts")
    require_in_scope(actor, account.region_id)
    try:
        validate_password(password, account)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    account.set_password(password)
    account.save(update_fields=["password"])
    audit.record(actor=actor, action="account.reset_password", obj=account, region_code=account.region_id)


@transaction.atomic
def create_api_token(*, actor, account: User, name: str) -> tuple[ApiToken, str]:
    """Create a bearer token bound to `account`. The clear key is returned once and never stored."""
    require_perm(actor, "accounts.manage_tokens")
    require_in_scope(actor, account.region_id)
    if not name.strip():
        raise ValidationError({"name": _("请填写令牌用途。")})
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=account,
        name=name.strip(),
        prefix=key[len(TOKEN_PREFIX) :][:8],
        key_hash=ApiToken.hash_key(key),
        created_by=actor,
    )
    audit.record(
        actor=actor, action="token.create", obj=token, region_code=account.region_id, after=audit.snapshot(token)
    )
    return token, key


@transaction.atomic
def revoke_api_token(*, actor, token: ApiToken) -> ApiToken:
    require_perm(actor, "accounts.manage_tokens")
    require_in_scope(actor, token.user.region_id)
    if token.revoked_at is None:
        before = audit.snapshot(token)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action="token.revoke",
            obj=token,
            region_code=token.user.region_id,
            before=before,
            after=audit.snapshot(token),
        )
    return token


def authenticate_token(key: str) -> User | None:
    """The active account behind a bearer key, or None. Records last use at most once a minute."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key), revoked_at=None).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def switch_region(*, user, session, region_code: str) -> Region:
    """Remember the region chosen in the switcher; it must lie inside the user's jurisdiction."""
    require_in_scope(user, region_code)
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise Http404(_("区划代码不存在：%(code)s") % {"code": region_code})
    session[SESSION_KEY] = region.code
    return region
