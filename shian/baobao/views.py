from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from shian.accounts.current_region import current_region_code
from shian.core.paging import filtered_page

from . import selectors
from .forms import CadreFilterForm


@login_required
def cadre_list(request):
    code = current_region_code(request)
    form, page = filtered_page(
        request, CadreFilterForm, lambda **f: selectors.cadre_list(user=request.user, region_code=code, **f)
    )
    by_level = selectors.cadre_list(user=request.user, region_code=code).values("level").annotate(n=Count("pk"))
    counts = {row["level"]: row["n"] for row in by_level.order_by()}
    return render(request, "baobao/cadre_list.html", {"form": form, "page": page, "counts": counts})
