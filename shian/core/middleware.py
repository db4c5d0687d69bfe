import re
import uuid

from django.conf import settings
from django.utils import translation

from . import context

_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class RequestContextMiddleware:
    """Tags each request with an id (kept from X-Request-ID when sane) and the client IP for the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = rid
        tokens = (context.request_id.set(rid), context.client_ip.set(request.META.get("REMOTE_ADDR") or None))
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
