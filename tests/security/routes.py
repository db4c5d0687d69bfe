"""Every route of the running project: each page's URL pattern and each API operation, with its declaration.

Walked from Django's URL resolver, so a route added later is in the matrix without anyone listing it.
"""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from ninja.operation import PathView

from shian.core.access import Access, declared

# Not ours to declare: Django's admin (staff accounts only, its own login) and the API's own documents, which
# tests/security/test_security_fixes.py checks need a login.
EXEMPT_PREFIXES = ("admin/",)
API_PREFIX = ("api/v1/", "api/open/v1/", "api/public/v1/")
_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    kind: str  # "page" or "api"
    pattern: str  # e.g. "baobao/cadres/<int:pk>/"
    methods: tuple[str, ...]  # what the matrix sends: pages GET and POST, API operations their own method
    view: object
    name: str

    @property
    def access(self) -> Access | None:
        return declared(self.view)

    @property
    def params(self) -> list[str]:
        return [m.group("name") for m in _PARAM.finditer(self.pattern)]

    def url(self, kwargs: dict) -> str:
        return "/" + _PARAM.sub(lambda m: str(kwargs[m.group("name")]), self.pattern)

    @property
    def id(self) -> str:
        return f"{'+'.join(self.methods)} /{self.pattern}"


def _path_view(callback) -> PathView | None:
    for cell in getattr(callback, "__closure__", None) or ():
        if isinstance(cell.cell_contents, PathView):
            return cell.cell_contents
    return None


def _walk(resolver, prefix=""):
    for entry in resolver.url_patterns:
        text = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if not text.startswith(EXEMPT_PREFIXES):
                yield from _walk(entry, text)
        elif isinstance(entry, URLPattern):
            yield text, entry


def all_routes() -> list[Route]:
    routes, seen = [], set()
    for text, entry in _walk(get_resolver()):
        if text.startswith(API_PREFIX):
            path_view = _path_view(entry.callback)
            if path_view is None:  # openapi.json and docs
                continue
            for op in path_view.operations:
                for method in op.methods:
                    key = (text.rstrip("/"), method)
                    if key not in seen:
                        seen.add(key)
                        routes.append(Route("api", text, (method,), op.view_func, op.view_func.__qualname__))
        else:
            routes.append(Route("page", text, ("GET", "POST"), entry.callback, entry.name or text))
    return routes
