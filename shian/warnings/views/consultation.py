"""The quarterly risk consultation page (docs/warnings.md §5): pick a county and a quarter, see the figures and the
recommended focus, download the report in Word or PDF. Counties outside the user's jurisdiction are refused."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone

from shian.core.access import access
from shian.core.forms import error_messages
from shian.core.jurisdiction import scope_prefix
from shian.core.periods import previous_quarter, quarter_of
from shian.core.regioncodes import COUNTY, ancestor
from shian.reports.documents import attachment

from .. import documents
from ..selectors import consultation as selectors
from .warnings import READERS


def _default_quarter() -> str:
    year, q = divmod(previous_quarter(quarter_of(timezone.localdate())), 10)
    return f"{year}Q{q}"


@access(READERS)
def consultation(request):
    region = (request.GET.get("region") or "").strip()[:12]
    quarter = (request.GET.get("quarter") or "").strip()[:10]
    fmt = request.GET.get("format", "")
    asked = bool(region or quarter or fmt)
    region = region or ancestor(scope_prefix(request.user) or "", COUNTY)
    quarter = quarter or _default_quarter()
    figures, errors = None, []
    if asked:
        try:
            figures = selectors.consultation(user=request.user, region_code=region, quarter=quarter)
        except ValidationError as exc:
            errors = error_messages(exc)
        if figures is not None and fmt in documents.FORMATS:
            return attachment(*documents.render(figures, fmt))
    return render(request, "warnings/consultation.html", {
        "region": region, "quarter": quarter, "figures": figures, "errors": errors, "sources": selectors.SOURCES,
    }, status=422 if errors else 200)  # fmt: skip
