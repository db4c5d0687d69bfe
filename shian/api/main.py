"""The /api/v1 front door: session auth for the browser, bearer tokens for integrations, JSON errors."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from shian.accounts.api import router as accounts_router
from shian.accounts.services import authenticate_token
from shian.baobao.api import router as baobao_router
from shian.cases.api import router as cases_router
from shian.commission.api import router as commission_router
from shian.complaints.api import router as complaints_router
from shian.core.access import check_operation
from shian.core.api import operations_router
from shian.core.api import router as audit_router
from shian.core.rule_api import router as rules_router
from shian.credit.api import router as credit_router
from shian.dashboard.api import router as dashboard_router
from shian.dinners.api import router as dinners_router
from shian.duties.api import router as duties_router
from shian.emergency.api import router as emergency_router
from shian.entities.api import router as entities_router
from shian.evaluation.api import router as evaluation_router
from shian.foodborne.api import router as foodborne_router
from shian.inspections.api import router as inspections_router
from shian.knowledge.api import router as knowledge_router
from shian.ledgers.api import router as ledgers_router
from shian.lists.api import router as lists_router
from shian.markets.api import router as markets_router
from shian.notices.api import router as notices_router
from shian.regions.api import router as regions_router
from shian.riskmodel.api import router as riskmodel_router
from shian.sampling.api import router as sampling_router
from shian.surveys.api import router as surveys_router
from shian.trace.api import router as trace_router
from shian.visits.api import router as visits_router
from shian.warnings.api import router as warnings_router


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = authenticate_token(token)
        if user is not None:
            request.user = user
            check_operation(request, user)
        return user


class Session(SessionAuth):
    """Django's session login; the operation's declared roles are checked as soon as the user is known."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            check_operation(request, user)
        return user


def signed_in_docs(view):
    """The staff API's layout (openapi.json, the docs page) is for signed-in accounts and token holders only: an
    anonymous caller learns nothing of its routes (docs/security.md)."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        user = request.user if request.user.is_authenticated else None
        header = request.headers.get("Authorization", "")
        if user is None and header[:7].lower() == "bearer ":
            user = authenticate_token(header[7:].strip())
        if user is None:
            return JsonResponse({"message": _("未登录或令牌无效。"), "errors": []}, status=401)
        return view(request, *args, **kwargs)

    return checked


api = NinjaAPI(
    title="食安 shian API",
    version="1",
    description="食品安全治理平台接口。浏览器使用会话登录（需 CSRF 令牌），集成系统使用管理员签发的 Bearer 令牌。",
    urls_namespace="api",
    auth=[BearerToken(), Session()],
    docs_decorator=signed_in_docs,
)


def _error(request, status: int, message: str, errors: list[dict] | None = None):
    return api.create_response(request, {"message": message, "errors": errors or []}, status=status)


@api.exception_handler(NinjaValidationError)
def on_schema_error(request, exc):
    errors = [{"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors]
    return _error(request, 422, _("请求参数有误。"), errors)


@api.exception_handler(DjangoValidationError)
def on_validation_error(request, exc):
    if hasattr(exc, "error_dict"):
        errors = [{"field": f, "message": m} for f, msgs in exc.message_dict.items() for m in msgs]
    else:
        errors = [{"field": "", "message": m} for m in exc.messages]
    return _error(request, 422, errors[0]["message"] if errors else _("数据校验失败。"), errors)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, _("未找到该记录，或不在您的管辖范围内。"))


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return _error(request, 403, str(exc) or _("您的角色无权执行此操作。"))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(request, 401, _("未登录或令牌无效。"))


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return _error(request, exc.status_code, str(exc))


api.add_router("/", accounts_router)
api.add_router("/regions", regions_router)
api.add_router("/audit", audit_router)
api.add_router("/operations", operations_router)
api.add_router("/rules", rules_router)
api.add_router("/entities", entities_router)
api.add_router("/baobao", baobao_router)
api.add_router("/ledgers", ledgers_router)
api.add_router("/visits", visits_router)
api.add_router("/knowledge", knowledge_router)
api.add_router("/duties", duties_router)
api.add_router("/dashboard", dashboard_router)
api.add_router("/inspections", inspections_router)
api.add_router("/sampling", sampling_router)
api.add_router("/complaints", complaints_router)
api.add_router("/cases", cases_router)
api.add_router("/emergency", emergency_router)
api.add_router("/lists", lists_router)
api.add_router("/notices", notices_router)
api.add_router("/markets", markets_router)
api.add_router("/dinners", dinners_router)
api.add_router("/foodborne", foodborne_router)
api.add_router("/surveys", surveys_router)
api.add_router("/commission", commission_router)
api.add_router("/evaluation", evaluation_router)
api.add_router("/warnings", warnings_router)
api.add_router("/credit", credit_router)
api.add_router("/riskmodel", riskmodel_router)
api.add_router("/trace", trace_router)
