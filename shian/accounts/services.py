"""Every write to accounts and API tokens: role rules, jurisdiction, audit."""

import datetime
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shian.core import audit, rules
from shian.core.jurisdiction import require_in_scope, scope_entity_rows
from shian.core.permissions import require_perm
from shian.entities.models import Entity, KeyPerson
from shian.entities.validators import normalize, validate_phone
from shian.regions.models import Region

from . import selectors
from .models import ENTITY_ROLES, ROLE_REGION_LEVELS, ApiToken, Department, Invitation, JoinedVia, Role, User

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


# --------------------------------------------------------------------------- enterprise accounts (issue 8)

INVITATION_VALID_DAYS = "accounts.invitation_valid_days"  # the rule (accounts/ruledefs.py)


def invitation_valid_days(entity: Entity) -> int:
    """How many days an invitation to `entity` stays valid: the rule in force in the entity's region."""
    return rules.value(INVITATION_VALID_DAYS, entity.region_id)


# Self-registration: after this many failed proofs from one IP address within the window, further attempts are
# refused until the window has passed (counted from the audit log, so it holds across server processes).
def _entity_role_label(entity_role: str) -> str:
    return dict(ENTITY_ROLES).get(entity_role, entity_role)


def _person_errors(*, name: str, phone: str, entity_role: str) -> tuple[dict, str, str]:
    """Check the person's name, phone and role in the entity; return (errors, name, phone normalised)."""
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("请填写姓名。")]
    elif len(name) > 50:
        errors["name"] = [_("姓名不能超过 50 个字。")]
    try:
        phone = validate_phone(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if entity_role not in dict(ENTITY_ROLES):
        errors["entity_role"] = [
            _("企业内职务应为：%(roles)s") % {"roles": "、".join(str(label) for _v, label in ENTITY_ROLES)}
        ]
    return errors, name, phone


def _new_enterprise_account(
    *, username: str, password: str, entity: Entity | None, name: str, phone: str, entity_role: str, joined_via: str
) -> tuple[User, dict]:
    """Build (unsaved) an active enterprise account for `entity`; return it with the errors on username/password."""
    errors = {}
    username = (username or "").strip()
    account = User(
        username=username,
        name=name,
        phone=phone,
        role=Role.ENTERPRISE,
        region_id=entity.region_id if entity else None,
        entity=entity,
        entity_role=entity_role,
        joined_via=joined_via,
    )
    if not username:
        errors["username"] = [_("请填写用户名。")]
    else:
        try:
            User._meta.get_field("username").run_validators(username)
        except ValidationError:
            errors["username"] = [_("用户名只能包含字母、数字和 @ . + - _，不超过 150 个字符。")]
        else:
            if User.objects.filter(username__iexact=username).exists():
                errors["username"] = [_("用户名已被使用：%(u)s，请换一个。") % {"u": username}]
    if not password:
        errors["password"] = [_("请设置密码。")]
    else:
        try:
            validate_password(password, account)
        except ValidationError as exc:
            errors["password"] = exc.messages
    return account, errors


def normalize_code(value) -> str:
    """A USCC or licence number as typed, folded like the registry stores it (full-width, spaces, case)."""
    try:
        return normalize(value if isinstance(value, str) else "")[:100]
    except ValidationError:
        return ""


def _save_new_account(account: User, password: str) -> User:
    account.set_password(password)
    account.full_clean(exclude=["password", "username"])
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as exc:  # the same username taken by a concurrent request
        raise ValidationError({"username": _("用户名已被使用：%(u)s，请换一个。") % {"u": account.username}}) from exc
    return account


@transaction.atomic
def invite_entity_staff(*, actor, entity: Entity, name: str, phone: str, entity_role: str) -> tuple[Invitation, str]:
    """Invite a person to join `entity`. Returns the invitation and the clear token, which is never stored:
    the link is shown once to the inviter, who passes it on (the platform sends no SMS)."""
    entity = scope_entity_rows(Entity.objects.all(), actor, entity_field="pk").filter(pk=entity.pk).first()
    if entity is None:
        raise Http404(_("未找到该记录，或不在您的管辖范围内。"))
    require_perm(actor, "accounts.invite_entity_staff")
    errors, name, phone = _person_errors(name=name, phone=phone, entity_role=entity_role)
    if entity.status == Entity.Status.DEREGISTERED:
        errors[NON_FIELD_ERRORS] = [_("该主体已注销，不能再邀请人员。")]
    if errors:
        raise ValidationError(errors)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        entity=entity,
        name=name,
        phone=phone,
        entity_role=entity_role,
        token_hash=Invitation.hash_token(token),
        created_by=actor,
        expires_at=timezone.now() + datetime.timedelta(days=invitation_valid_days(entity)),
    )
    audit.record(
        actor=actor,
        action="invitation.create",
        obj=invitation,
        region_code=entity.region_id,
        after=audit.snapshot(invitation, ["entity", "name", "entity_role", "created_by", "expires_at"]),
    )
    return invitation, token


@transaction.atomic
def revoke_invitation(*, actor, invitation: Invitation) -> Invitation:
    """Withdraw a pending invitation; its link stops working. Accepted invitations cannot be revoked (switch the
    account off instead)."""
    invitation = (
        scope_entity_rows(Invitation.objects.select_for_update(of=("self",)), actor, field="entity__region")
        .filter(pk=invitation.pk)
        .first()
    )
    if invitation is None:
        raise Http404(_("未找到该记录，或不在您的管辖范围内。"))
    require_perm(actor, "accounts.invite_entity_staff")
    status = invitation.status
    if status == Invitation.Status.ACCEPTED:
        raise ValidationError(_("该邀请已被接受，不能撤销；如需停用，请由市场监管所停用该账号。"))
    if status == Invitation.Status.REVOKED:
        return invitation
    before = audit.snapshot(invitation, ["revoked_at", "revoked_by"])
    invitation.revoked_at, invitation.revoked_by = timezone.now(), actor
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(
        actor=actor,
        action="invitation.revoke",
        obj=invitation,
        region_code=invitation.entity.region_id,
        before=before,
        after=audit.snapshot(invitation, ["revoked_at", "revoked_by"]),
    )
    return invitation


INVITATION_REFUSALS = {
    "invalid": gettext_lazy("邀请链接无效，请核对链接是否完整，或联系邀请人。"),
    Invitation.Status.ACCEPTED: gettext_lazy("该邀请链接已被使用过，请直接登录。"),
    Invitation.Status.REVOKED: gettext_lazy("该邀请已被撤销，请联系邀请人。"),
    Invitation.Status.EXPIRED: gettext_lazy("该邀请链接已过期（有效期 %(days)d 天），请联系邀请人重新邀请。"),
}


def invitation_refusal(invitation: Invitation | None) -> str | None:
    """Why a link cannot be used (a message for the invitee), or None when it can."""
    if invitation is None:
        return str(INVITATION_REFUSALS["invalid"])
    status = invitation.status
    if status == Invitation.Status.PENDING:
        if invitation.entity.status == Entity.Status.DEREGISTERED:
            return _("该主体已注销，邀请不再有效。")
        return None
    return str(INVITATION_REFUSALS[status]) % {"days": invitation_valid_days(invitation.entity)}


@transaction.atomic
def accept_invitation(*, token: str, username: str, password: str) -> User:
    """The invitee chooses a username and password; the account is created active, bound to the entity with the
    invited role, in the entity's region. The link then stops working."""
    found = selectors.invitation_for_token(token)
    invitation = (
        Invitation.objects.select_for_update(of=("self",)).select_related("entity").filter(pk=found.pk).first()
        if found
        else None
    )
    refusal = invitation_refusal(invitation)
    if refusal:
        raise ValidationError({"token": [refusal]}, code="invitation")
    entity = invitation.entity
    account, errors = _new_enterprise_account(
        username=username,
        password=password,
        entity=entity,
        name=invitation.name,
        phone=invitation.phone,
        entity_role=invitation.entity_role,
        joined_via=JoinedVia.INVITATION,
    )
    if errors:
        raise ValidationError(errors)
    _save_new_account(account, password)
    invitation.accepted_at, invitation.account = timezone.now(), account
    invitation.save(update_fields=["accepted_at", "account"])
    audit.record(
        actor=account, action="account.create", obj=account, region_code=entity.region_id, after=audit.snapshot(account)
    )
    audit.record(
        actor=account,
        action="invitation.accept",
        obj=invitation,
        region_code=entity.region_id,
        after=audit.snapshot(invitation, ["accepted_at", "account"]),
    )
    return account


@transaction.atomic
def set_enterprise_account_active(*, actor, account: User, is_active: bool) -> User:
    """The station (or an administrator) switches an enterprise account off or back on, e.g. a self-registered
    account it could not confirm, or someone who left the business; so does the entity's principal for the
    other accounts of their own entity (not their own, not another principal's: the station settles those)."""
    account = User.objects.select_for_update(of=("self",)).filter(pk=account.pk, role=Role.ENTERPRISE).first()
    if account is None or account.entity_id is None:
        raise Http404(_("未找到该记录，或不在您的管辖范围内。"))
    selectors.staff_entity_get(user=actor, entity_id=account.entity_id, perm="accounts.switch_entity_staff")
    if account.pk == actor.pk:
        raise ValidationError(_("不能修改自己的角色、区划或启用状态。"))
    if actor.role == Role.ENTERPRISE and account.entity_role == KeyPerson.Role.PRINCIPAL:
        raise ValidationError(_("负责人账号的启用或停用请联系属地市场监管所办理。"))
    if account.is_active == is_active:
        return account
    before = audit.snapshot(account, ["is_active"])
    account.is_active = is_active
    account.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action="account.update",
        obj=account,
        region_code=account.region_id,
        before=before,
        after=audit.snapshot(account, ["is_active"]),
    )
    return account
