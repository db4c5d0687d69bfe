"""The public results page (docs/sampling.md §5): no login, published results with names of businesses and
products, never people; filters and keyset paging; and the staff's publishing page (publish one, a month at a
time, withdraw with a reason)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.access import ANYONE, STATION
from shian.core import rules
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages
from shian.core.regioncodes import prefixes
from shian.regions.models import Region

from ..models import Disposal, Sample
from ..ruledefs import PUBLIC_PAGE
from ..selectors import public as selectors
from ..selectors import samples as sample_selectors
from ..services import publish as services


def _filters(request) -> selectors.Filters:
    get = request.GET
    region = "".join(ch for ch in get.get("region", "")[:12] if ch.isdigit())
    return selectors.Filters(
        region=region,
        category=get.get("category", "")[:30],
        conclusion=get.get("conclusion", "") if get.get("conclusion") in Sample.Conclusion.values else "",
        month=services.parse_month(get.get("month", "")),
    )


def _regions(code: str) -> list[tuple[str, str]]:
    """The region filter as a drill-down: the chosen region's ancestors, itself and its children (provinces when
    none is chosen), so the select stays short on a phone at any depth."""
    chosen = Region.objects.filter(code=code).first() if code else None
    if chosen is None:
        return list(Region.objects.filter(level=Region.Level.PROVINCE).order_by("code").values_list("code", "name"))
    ancestors = list(Region.objects.filter(code__in=prefixes(code)).order_by("code").values_list("code", "name"))
    children = list(chosen.children.order_by("code").values_list("code", "name")[:500])
    return ancestors + [(c, f"　{n}") for c, n in children]


@access(ANYONE)
def public_results(request):
    """抽检结果公示: published results, newest first, `?after=` the next page's cursor."""
    filters = _filters(request)
    size = rules.value(PUBLIC_PAGE.code)
    rows, next_cursor = selectors.results_page(filters, after=request.GET.get("after", "")[:40], size=size)
    names = dict(sample_selectors.categories(filters.region or ""))
    for s in rows:
        s.category_name = names.get(s.category, s.category)
    query = request.GET.copy()
    query.pop("after", None)
    context = {
        "rows": rows,
        "next_cursor": next_cursor,
        "query": query.urlencode(),
        "filters": filters,
        "month": filters.month.strftime("%Y-%m") if filters.month else "",
        "categories": list(names.items()),
        "regions": _regions(filters.region),
        "conclusions": Sample.Conclusion.choices,
        "steps": dict(Disposal.STEPS),
    }
    return render(request, "sampling/public_results.html", context)


@access(STATION)
def publishing(request):
    """The publishing queue: results with a conclusion in the jurisdiction, unpublished first."""
    qs = selectors.to_publish(user=request.user, region_code=current_region_code(request))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "sampling/publishing.html", {"page": page})


@access(STATION, objects="sample")
@require_POST
def sample_publish(request, pk: int):
    sample = selectors.sample_in_scope(user=request.user, pk=pk)
    with service_errors_as_messages(request):
        services.publish_sample(actor=request.user, sample=sample)
        messages.success(request, _("已公布样品 %(n)s 的检验结果。") % {"n": sample.number})
    return redirect("sampling:publishing")


@access(STATION, objects="sample")
@require_POST
def sample_withdraw(request, pk: int):
    sample = selectors.sample_in_scope(user=request.user, pk=pk)
    with service_errors_as_messages(request):
        services.withdraw_sample(actor=request.user, sample=sample, reason=request.POST.get("reason", ""))
        messages.success(request, _("已撤回样品 %(n)s 的公布。") % {"n": sample.number})
    return redirect("sampling:publishing")


@access(STATION)
@require_POST
def publish_month(request):
    with service_errors_as_messages(request):
        n = services.publish_month(actor=request.user, region_code=current_region_code(request) or "",
                                   month=request.POST.get("month", ""))  # fmt: skip
        messages.success(request, _("已公布 %(n)d 个样品的检验结果。") % {"n": n})
    return redirect("sampling:publishing")
