import datetime

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from shian.api.types import Id, IdField, Pages, RegionCode, ShortText, Text
from shian.core.pii import mask_phone

from . import selectors, services

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
def me(request):
    return request.user


@router.get("/accounts", response=list[AccountOut], summary="账号列表")
@paginate(Pages)
def account_list(request, filters: Query[AccountFilter]):
    f = filters.dict()
    return selectors.account_list(user=request.user, region_code=f.pop("region"), **f)


@router.get("/accounts/{pk}", response=AccountOut, summary="账号详情")
def account_get(request, pk: Id):
    return selectors.account_get(user=request.user, pk=pk)


@router.post("/accounts", response={201: AccountOut}, summary="创建账号")
def account_create(request, payload: AccountIn):
    return Status(201, services.create_account(actor=request.user, **payload.dict()))


@router.patch("/accounts/{pk}", response=AccountOut, summary="修改账号")
def account_update(request, pk: Id, payload: AccountPatch):
    account = selectors.account_get(user=request.user, pk=pk)
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    return services.update_account(actor=request.user, account=account, **changes)


@router.get("/tokens", response=list[TokenOut], summary="API 令牌列表")
@paginate(Pages)
def token_list(request):
    return selectors.token_list(user=request.user)


@router.post("/tokens", response={201: TokenCreated}, summary="签发 API 令牌（明文只返回一次）")
def token_create(request, payload: TokenIn):
    account = selectors.account_get(user=request.user, pk=payload.account_id)
    token, key = services.create_api_token(actor=request.user, account=account, name=payload.name)
    token.key = key  # shown once, never stored
    return Status(201, token)


@router.delete("/tokens/{pk}", response=TokenOut, summary="吊销 API 令牌")
def token_revoke(request, pk: Id):
    return services.revoke_api_token(actor=request.user, token=selectors.token_get(user=request.user, pk=pk))
