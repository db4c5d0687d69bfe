import datetime
from typing import Annotated, Literal

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import StringConstraints

from shian.core.access import access
from shian.core.api_types import Id, IdField, Pages, RegionCode, ShortText, Text
from shian.core.pii import mask_phone

from . import registration, selectors, services
from .access import ACCOUNT_READERS, ADMINS, ANYONE, ENTITY_STAFF_KEEPERS, ENTITY_STAFF_READERS, SIGNED_IN

router = Router(tags=["账号"])


class AccountOut(Schema):
    id: int
    username: str
    name: str
    phone: str
    role: str
    role_label: str
    region_code: str | None
    region_name: str | None
    department: str | None
    entity_id: int | None
    entity_role: str
    joined_via: str
    is_active: bool

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_role_label(obj):
        return obj.get_role_display()

    @staticmethod
    def resolve_region_code(obj):
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name if obj.region_id else None

    @staticmethod
    def resolve_department(obj):
        return obj.department_id


class AccountIn(Schema):
    username: ShortText
    password: Text
    role: ShortText
    region_code: RegionCode | None = None
    name: ShortText = ""
    phone: ShortText = ""
    department_code: ShortText | None = None
    entity_id: IdField | None = None


class AccountPatch(Schema):
    name: ShortText | None = None
    phone: ShortText | None = None
    role: ShortText | None = None
    region_code: RegionCode | None = None
    department_code: ShortText | None = None
    is_active: bool | None = None


class AccountFilter(Schema):
    region: RegionCode | None = None
    role: ShortText = ""
    q: Text = ""


class TokenIn(Schema):
    account_id: IdField
    name: Text


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    account_id: int
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None

    @staticmethod
    def resolve_account_id(obj):
        return obj.user_id


class TokenCreated(TokenOut):
    key: str


@router.get("/me", response=AccountOut, summary="当前账号")
@access(SIGNED_IN)
def me(request):
    return request.user


@router.get("/accounts", response=list[AccountOut], summary="账号列表")
@access(ACCOUNT_READERS)
@paginate(Pages)
def account_list(request, filters: Query[AccountFilter]):
    f = filters.dict()
    return selectors.account_list(user=request.user, region_code=f.pop("region"), **f)


@router.get("/accounts/{pk}", response=AccountOut, summary="账号详情")
@access(ACCOUNT_READERS, objects="account")
def account_get(request, pk: Id):
    return selectors.account_get(user=request.user, pk=pk)


@router.post("/accounts", response={201: AccountOut}, summary="创建账号")
@access(ADMINS)
def account_create(request, payload: AccountIn):
    return Status(201, services.create_account(actor=request.user, **payload.dict()))


@router.patch("/accounts/{pk}", response=AccountOut, summary="修改账号")
@access(ADMINS, objects="account")
def account_update(request, pk: Id, payload: AccountPatch):
    account = selectors.account_get(user=request.user, pk=pk)
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    return services.update_account(actor=request.user, account=account, **changes)


@router.get("/tokens", response=list[TokenOut], summary="API 令牌列表")
@access(ADMINS)
@paginate(Pages)
def token_list(request):
    return selectors.token_list(user=request.user)


@router.post("/tokens", response={201: TokenCreated}, summary="签发 API 令牌（明文只返回一次）")
@access(ADMINS)
def token_create(request, payload: TokenIn):
    account = selectors.account_get(user=request.user, pk=payload.account_id)
    token, key = services.create_api_token(actor=request.user, account=account, name=payload.name)
    token.key = key  # shown once, never stored
    return Status(201, token)


@router.delete("/tokens/{pk}", response=TokenOut, summary="吊销 API 令牌")
@access(ADMINS, objects="token")
def token_revoke(request, pk: Id):
    return services.revoke_api_token(actor=request.user, token=selectors.token_get(user=request.user, pk=pk))


# --------------------------------------------------------------------------- enterprise accounts (issue 8)

Username = Annotated[str, StringConstraints(max_length=150, pattern=r"^[^\x00]*$")]
Password = Annotated[str, StringConstraints(max_length=128, pattern=r"^[^\x00]*$")]
InvitationStatus = Literal["", "pending", "accepted", "revoked", "expired"]


class InvitationIn(Schema):
    entity_id: IdField
    name: ShortText
    phone: ShortText
    entity_role: ShortText


class InvitationOut(Schema):
    id: int
    entity_id: int
    entity_name: str
    name: str
    phone: str
    entity_role: str
    entity_role_label: str
    status: str
    status_label: str
    created_by: str
    created_at: datetime.datetime
    expires_at: datetime.datetime
    accepted_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    account_id: int | None

    @staticmethod
    def resolve_entity_name(obj):
        return obj.entity.name

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_entity_role_label(obj):
        return obj.get_entity_role_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_created_by(obj):
        return obj.created_by.username


class InvitationCreated(InvitationOut):
    token: str
    accept_url: str


class InvitationFilter(Schema):
    entity_id: IdField | None = None
    region: RegionCode | None = None
    status: InvitationStatus = ""


class AcceptIn(Schema):
    token: Text
    username: Username
    password: Password


class RegisterCodeIn(Schema):
    uscc: Text
    license_number: Text
    phone: ShortText


class RegisterCodeOut(Schema):
    phone: str
    message: str


class RegisterIn(Schema):
    uscc: Text
    license_number: Text
    phone: ShortText
    code: ShortText
    name: ShortText
    username: Username
    password: Password
    entity_role: ShortText = "principal"


class EnterpriseAccountPatch(Schema):
    is_active: bool


@router.post("/enterprise/invitations", response={201: InvitationCreated}, summary="邀请企业人员（返回一次性邀请链接）")
@access(ENTITY_STAFF_KEEPERS)
def invitation_create(request, payload: InvitationIn):
    entity = selectors.staff_entity_get(
        user=request.user, entity_id=payload.entity_id, perm="accounts.invite_entity_staff"
    )
    data = payload.dict()
    data.pop("entity_id")
    invitation, token = services.invite_entity_staff(actor=request.user, entity=entity, **data)
    invitation.token = token  # shown once, never stored
    invitation.accept_url = request.build_absolute_uri(reverse("accounts:invite-accept", args=[token]))
    return Status(201, invitation)


@router.get("/enterprise/invitations", response=list[InvitationOut], summary="企业人员邀请列表")
@access(ENTITY_STAFF_READERS)
@paginate(Pages)
def invitation_list(request, filters: Query[InvitationFilter]):
    entity = None
    if filters.entity_id is not None:
        entity = selectors.staff_entity_get(user=request.user, entity_id=filters.entity_id)
    return selectors.invitation_list(
        user=request.user, entity=entity, region_code=filters.region, status=filters.status
    )


@router.delete("/enterprise/invitations/{int:pk}", response=InvitationOut, summary="撤销邀请")
@access(ENTITY_STAFF_KEEPERS, objects="invitation")
def invitation_revoke(request, pk: Id):
    invitation = selectors.invitation_get(user=request.user, pk=pk)
    return services.revoke_invitation(actor=request.user, invitation=invitation)


@router.post(
    "/enterprise/invitations/accept", response={201: AccountOut}, auth=None, summary="接受邀请并开通账号（无需登录）"
)
@access(ANYONE)
def invitation_accept(request, payload: AcceptIn):
    return Status(201, services.accept_invitation(**payload.dict()))


@router.post(
    "/enterprise/register/code",
    response={202: RegisterCodeOut},
    auth=None,
    summary="企业自助注册第一步：向登记的主要负责人手机发送验证码（无需登录）",
)
@access(ANYONE)
def enterprise_register_code(request, payload: RegisterCodeIn):
    try:
        masked = registration.send_registration_code(**payload.dict())
    except registration.TooManyAttempts as exc:
        raise HttpError(429, exc.messages[0]) from exc
    return Status(202, {"phone": masked, "message": _("验证码已发送至 %(phone)s。") % {"phone": masked}})


@router.post(
    "/enterprise/register",
    response={201: AccountOut},
    auth=None,
    summary="企业自助注册第二步：凭短信验证码开通主要负责人账号（无需登录）",
)
@access(ANYONE)
def enterprise_register(request, payload: RegisterIn):
    try:
        return Status(201, registration.register_enterprise(**payload.dict()))
    except registration.TooManyAttempts as exc:
        raise HttpError(429, exc.messages[0]) from exc


@router.get("/enterprise/entities/{int:entity_id}/accounts", response=list[AccountOut], summary="主体的企业账号")
@access(ENTITY_STAFF_READERS, objects="entity_id")
@paginate(Pages)
def entity_accounts(request, entity_id: Id):
    entity = selectors.staff_entity_get(user=request.user, entity_id=entity_id)
    return selectors.entity_accounts(user=request.user, entity=entity)


@router.patch("/enterprise/accounts/{int:pk}", response=AccountOut, summary="启用或停用企业账号")
@access(ENTITY_STAFF_KEEPERS, objects="account")
def enterprise_account_update(request, pk: Id, payload: EnterpriseAccountPatch):
    account = selectors.enterprise_account_get(user=request.user, pk=pk)
    return services.set_enterprise_account_active(actor=request.user, account=account, is_active=payload.is_active)
