from django.shortcuts import render

from shian.accounts.access import SIGNED_IN
from shian.accounts.selectors import account_list
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.selectors import audit_list
from shian.regions.selectors import grid_list, region_list


@access(SIGNED_IN)
def home(request):
    code = current_region_code(request)
    children = region_list(user=request.user, parent_code=code) if code else region_list(user=request.user, level=1)
    context = {
        "children": children[:200],
        "child_count": children.count(),
        "grid_count": grid_list(user=request.user, region_code=code).count(),
        "account_count": account_list(user=request.user, region_code=code).count(),
        "recent_audit": audit_list(user=request.user, region_code=code)[:8],
    }
    return render(request, "web/home.html", context)
