"""The bulk open-data files (docs/portal.md §3): `/public/data/?county=370725&format=csv|json`, rate-limited like
every public page, served as a download with the sandbox headers of shian.core.uploads."""

from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from shian.accounts.access import ANYONE
from shian.core import rules
from shian.core.access import access
from shian.core.ratelimit import over_limit

from ..ruledefs import CACHE_SECONDS, PER_MINUTE
from ..services.bulk import file_path
from .cached import too_many

TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


@access(ANYONE)
@require_safe
def bulk_file(request):
    wait = over_limit(request, rule=PER_MINUTE.code, bucket="portal")
    if wait:
        return too_many(request, wait)
    fmt = request.GET.get("format", "csv")
    path = file_path(request.GET.get("county", "")[:6], fmt)
    if path is None or not path.exists():
        raise Http404(_("该县的批量数据文件尚未生成。"))
    response = FileResponse(path.open("rb"), as_attachment=True, filename=path.name, content_type=TYPES[fmt])
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, public=True, max_age=rules.value(CACHE_SECONDS.code))
    return response
