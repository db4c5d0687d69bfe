from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from shian.accounts.current_region import current_region_code
from shian.core.paging import filtered_page

from . import selectors
from .forms import EntityFilterForm


@login_required
def entity_list(request):
    code = current_region_code(request)
    form, page = filtered_page(
        request, EntityFilterForm, lambda **f: selectors.entity_list(user=request.user, region_code=code, **f)
    )
    return render(request, "entities/list.html", {"form": form, "page": page})


@login_required
def entity_detail(request, pk: int):
    entity = selectors.entity_get(user=request.user, pk=pk)
    history = selectors.entity_history(user=request.user, entity=entity)[:50]
    context = {
        "entity": entity,
        "licenses": entity.licenses.all(),
        "people": entity.people.all(),
        "duplicates": selectors.likely_duplicates(user=request.user, entity=entity)[:10],
        "history": history,
    }
    return render(request, "entities/detail.html", context)
