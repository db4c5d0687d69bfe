from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from shian.core.access import ACCOUNTS, access
from shian.core.current_region import current_region_code
from shian.core.jurisdiction import scope_prefix

from . import selectors
from .services import switch_region


def _switcher_context(request):
    code = current_region_code(request)
    current = selectors.region_get(user=request.user, code=code) if code else None
    root = scope_prefix(request.user)
    path = [r for r in selectors.region_ancestors(current) if r.code.startswith(root)] if current else []
    children = (
        selectors.region_list(user=request.user, parent_code=code)
        if code
        else selectors.region_list(user=request.user, level=1)
    )
    return {
        "current": current,
        "path": path,
        "children": children[:400],
        "next": request.GET.get("next") or request.META.get("HTTP_REFERER", ""),
    }


@access(ACCOUNTS)
def switch(request):
    """GET: the switcher (a panel for htmx, a page otherwise). POST: choose a region inside the jurisdiction."""
    if request.method == "POST":
        switch_region(user=request.user, session=request.session, region_code=request.POST.get("code", ""))
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "home"
        return redirect(target)
    template = "regions/_switcher.html" if request.htmx else "regions/switch.html"
    return render(request, template, _switcher_context(request))


@access(ACCOUNTS)
def browse(request):
    code = current_region_code(request)
    children = (
        selectors.region_list(user=request.user, parent_code=code)
        if code
        else selectors.region_list(user=request.user, level=1)
    )
    page = Paginator(children, 100).get_page(request.GET.get("page"))
    grids = selectors.grid_list(user=request.user, region_code=code).select_related("region", "worker")[:200]
    return render(request, "regions/browse.html", {"page": page, "grids": grids})
