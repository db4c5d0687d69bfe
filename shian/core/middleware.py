import re
import uuid

from django.conf import settings
from django.utils import translation

from . import context
from .clientip import client_ip, forwarded_untrusted

_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class RequestContextMiddleware:
    """Tags each request with an id (kept from X-Request-ID when sane) and the real client IP (core.clientip) for
    the audit log and the throttles."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = rid
        request.forwarded_untrusted = forwarded_untrusted(request)
        tokens = (context.request_id.set(rid), context.client_ip.set(client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            context.request_id.reset(tokens[0])
            context.client_ip.reset(tokens[1])
        response["X-Request-ID"] = rid
        return response


class LanguageMiddleware:
    """Chinese by default whatever the browser asks; English only when the user chose it (cookie)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        lang = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = lang
        with translation.override(lang):  # never leaks into the next request on this thread
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", lang)
        return response


class RequestSizeMiddleware:
    """Refuses a request whose declared body is larger than its path allows, before a byte of it is read
    (docs/security.md). Limits per path prefix come from settings.SHIAN_REQUEST_LIMITS (the longest matching prefix
    wins); the refusal is a 413 with a message naming both sizes, and an audit entry."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.limits = sorted(settings.SHIAN_REQUEST_LIMITS.items(), key=lambda item: len(item[0]), reverse=True)

    def __call__(self, request):
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        limit = next(bytes_ for prefix, bytes_ in self.limits if request.path.startswith(prefix))
        if size > limit:
            return self.refuse(request, size, limit)
        return self.get_response(request)

    def refuse(self, request, size: int, limit: int):
        from django.http import HttpResponse, JsonResponse
        from django.utils.translation import gettext as _

        from . import audit

        message = _("上传内容过大（%(size).1f MB），此处最多 %(limit).1f MB，请压缩或拆分后再传。") % {
            "size": size / 2**20,
            "limit": limit / 2**20,
        }
        audit.record(
            actor=getattr(request, "user", None),
            action="request.too_large",
            object_type="request",
            object_repr=request.path[:200],
            after={"bytes": size, "limit": limit},
        )
        if request.path.startswith("/api/"):
            return JsonResponse({"message": message, "errors": []}, status=413)
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
