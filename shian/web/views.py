from django.shortcuts import render

from shian.accounts.access import SIGNED_IN
from shian.accounts.selectors import account_list
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.selectors import audit_list
from shian.core.worklist import items_for
from shian.regions.selectors import grid_list, region_list


@access(SIGNED_IN)
def home(request):
    """The user's work list (工作台): what is waiting for them, counted and linked, most urgent first (each app's
    items, shian.core.worklist), then the region at a glance."""
    code = current_region_code(request)
    children = region_list(user=request.user, parent_code=code) if code else region_list(user=request.user, level=1)
    work = items_for(request.user, code)
    context = {
        "work": [i for i in work if i.count],
        "done": [i for i in work if not i.count],
        "children": children[:200],
        "child_count": children.count(),
        "grid_count": grid_list(user=request.user, region_code=code).count(),
        "account_count": account_list(user=request.user, region_code=code).count(),
        "recent_audit": audit_list(user=request.user, region_code=code)[:8],
    }
    return render(request, "web/home.html", context)
