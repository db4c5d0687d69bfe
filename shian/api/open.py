"""The open API (/api/open/v1/, and the same object at /api/public/v1/: docs/security.md §2, docs/portal.md §3):
published data for anyone, no login, no cookies, never people. Each client address (the real one,
shian.core.clientip) may make `open_api.per_minute` requests a minute; more get 429 with `Retry-After` (the seconds
to the next window: django-ninja sets it from the throttle's `wait()`). Its routers declare PUBLIC access like
every operation, so the route matrix covers them: sampling's public router, then the portal's (establishments,
ratings, list editions); later issues add theirs here."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.throttling import BaseThrottle

from shian.core.ratelimit import over_limit, seconds_to_next_window
from shian.portal.api.public import router as portal_router
from shian.sampling.api.public import router as sampling_router


class PerClientAddress(BaseThrottle):
    """A fixed one-minute window per client address, counted in the default cache."""

    def allow_request(self, request) -> bool:
        return over_limit(request, rule="open_api.per_minute", bucket="open-api") == 0

    def wait(self):
        return seconds_to_next_window()


open_api = NinjaAPI(
    title="食安 shian 开放数据接口",
    version="1",
    description="公开数据，无需登录；每个客户端地址每分钟请求数有限（超出返回 429，Retry-After 给出等待秒数）。"
    "只含单位与产品名称，不含个人信息。使用说明见 /public/api/。",
    urls_namespace="open_api",
    auth=None,
    throttle=[PerClientAddress()],
)


def _error(request, status: int, message: str, errors: list[dict] | None = None):
    return open_api.create_response(request, {"message": message, "errors": errors or []}, status=status)


@open_api.exception_handler(NinjaValidationError)
def on_schema_error(request, exc):
    errors = [{"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors]
    return _error(request, 422, _("请求参数有误。"), errors)


@open_api.exception_handler(DjangoValidationError)
def on_validation_error(request, exc):
    return _error(request, 422, "；".join(exc.messages))


@open_api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, _("未找到该记录。"))


@open_api.exception_handler(HttpError)
def on_http_error(request, exc):
    message = _("请求过于频繁，请稍后再试。") if exc.status_code == 429 else str(exc)
    return _error(request, exc.status_code, message)


open_api.add_router("/sampling", sampling_router)
open_api.add_router("/", portal_router)
