"""Grid pages (docs/inspections.md §1): the 社区网格 of the current region with their entity counts and workers,
the entities no grid covers, the derive button, the month's 巡查 tasks, and one entity's grid by hand."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from shian.accounts.access import REGULATORS, STATION
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages
from shian.core.forms import apply_service_errors

from ..selectors import grading as grading_selectors
from ..selectors import grids as selectors
from ..services import grids as services


def _can_write(user) -> bool:
    return user.is_superuser or user.role in STATION


@access(REGULATORS)
def grids(request):
    code = current_region_code(request) or ""
    grid_page = Paginator(selectors.grid_list(user=request.user, region_code=code), 50).get_page(
        request.GET.get("page")
    )
    missing = selectors.unassigned(user=request.user, region_code=code)
    context = {
        "page": grid_page,
        "missing": missing[:50],
        "missing_count": missing.count(),
        "can_write": _can_write(request.user),
        "region_code": code,
    }
    return render(request, "inspections/grid_list.html", context)


@access(STATION)
@require_POST
def grids_assign(request):
    code = current_region_code(request) or ""
    with service_errors_as_messages(request):
        result = services.assign_grids(actor=request.user, region_code=code, replace=request.POST.get("replace") == "1")
        messages.success(
            request,
            _("已划入网格 %(a)d 户；%(u)d 户所在村（社区）及上级区划均无社区网格。")
            % {"a": result["assigned"], "u": result["unassigned"]},
        )
    return redirect("inspections:grids")


@access(STATION)
@require_POST
def grids_patrol(request):
    code = current_region_code(request) or ""
    with service_errors_as_messages(request):
        n = services.create_patrol_tasks(actor=request.user, region_code=code, month=request.POST.get("month") or None)
        messages.success(request, _("已生成网格巡查任务 %(n)d 个。") % {"n": n})
    return redirect("inspections:grids")


class EntityGridForm(forms.Form):
    """The grid as a number picked from the county's grids; the service checks it (another county's grid is
    refused with a message naming it)."""

    grid = forms.IntegerField(label=_l("所属网格"), required=False, min_value=1)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].widget = forms.Select(choices=[("", _l("（不属于任何网格）"))] + list(choices))


@access(STATION, objects="entity_id")
def entity_grid(request, entity_id: int):
    entity = grading_selectors.entity_for_grading(user=request.user, entity_id=entity_id)
    choices = selectors.grid_choices(user=request.user, entity=entity)
    form = EntityGridForm(request.POST or None, choices=choices, initial={"grid": entity.grid_id})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_entity_grid(actor=request.user, entity_id=entity.pk, grid_id=form.cleaned_data["grid"])
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("已修改 %(name)s 的所属网格。") % {"name": entity.name})
                return redirect("inspections:entity_grid", entity_id=entity.pk)
    return render(request, "inspections/grid_entity.html", {"entity": entity, "form": form})
