"""明厨亮灶 pages (docs/inspections.md §6): the registry of the current region with its coverage by category
against the targets, and the station's create / edit / stop. Links go out to the platform (rel=noopener); shian
shows no video."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from shian.accounts.access import ENTERPRISE, REGULATORS, STATION
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages
from shian.core.forms import DATE_INPUT, apply_service_errors
from shian.core.paging import filtered_page
from shian.imports.workbooks import template_xlsx
from shian.reports.xlsx import CONTENT_TYPE as XLSX

from ..models import KitchenLink
from ..selectors import kitchens as selectors
from ..services import kitchen_import as importing
from ..services import kitchens as services

ANY = [("", _l("全部"))]


class KitchenFilterForm(forms.Form):
    category = forms.ChoiceField(label=_l("类别"), choices=ANY + selectors.CATEGORY_CHOICES, required=False)
    status = forms.ChoiceField(label=_l("状态"), choices=ANY + KitchenLink.Status.choices, required=False)
    q = forms.CharField(label=_l("主体、平台或通道"), max_length=50, required=False)


class KitchenForm(forms.Form):
    platform = forms.CharField(label=_l("平台"), max_length=100)
    channel_id = forms.CharField(label=_l("通道编号"), max_length=100)
    url = forms.CharField(label=_l("查看地址（平台网址）"), max_length=200, required=False)
    since = forms.DateField(label=_l("接入日期"), widget=DATE_INPUT)
    status = forms.ChoiceField(label=_l("状态"), choices=KitchenLink.Status.choices)


class NewKitchenForm(KitchenForm):
    entity_id = forms.IntegerField(label=_l("主体编号"), min_value=1)
    field_order = ["entity_id"]


def _can_write(user) -> bool:
    return user.is_superuser or user.role in STATION


@access(REGULATORS)
def kitchens(request):
    code = current_region_code(request) or ""
    form, page = filtered_page(
        request, KitchenFilterForm, lambda **f: selectors.link_list(user=request.user, region_code=code, **f)
    )
    context = {
        "form": form,
        "page": page,
        "coverage": selectors.coverage(user=request.user, region_code=code),
        "can_write": _can_write(request.user),
    }
    return render(request, "inspections/kitchen_list.html", context)


@access(STATION)
def kitchen_create(request):
    form = NewKitchenForm(request.POST or None, initial={"entity_id": request.GET.get("entity"), "status": "online"})
    if request.method == "POST" and form.is_valid():
        try:
            link = services.create_link(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已登记 %(name)s 的明厨亮灶接入。") % {"name": link.entity.name})
            return redirect("inspections:kitchens")
    return render(request, "inspections/kitchen_form.html", {"form": form, "link": None})


@access(STATION, objects="kitchen_link")
def kitchen_edit(request, pk: int):
    link = selectors.link_get(user=request.user, pk=pk)
    initial = {name: getattr(link, name) for name in services.FIELDS}
    form = KitchenForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_link(actor=request.user, link_id=link.pk, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("inspections:kitchens")
    return render(request, "inspections/kitchen_form.html", {"form": form, "link": link})


@access(STATION, objects="kitchen_link")
@require_POST
def kitchen_stop(request, pk: int):
    link = selectors.link_get(user=request.user, pk=pk)
    with service_errors_as_messages(request):
        services.stop_link(actor=request.user, link_id=link.pk)
        messages.success(request, _("已停用 %(name)s 的明厨亮灶接入。") % {"name": link.entity.name})
    return redirect("inspections:kitchens")


class ImportForm(forms.Form):
    file = forms.FileField(label=_l("接入登记表（.xlsx、.xls 或 .csv）"))


@access(STATION)
def kitchen_import(request):
    """Links from a spreadsheet: all or nothing, every problem listed with its row and column."""
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            n = importing.import_links(actor=request.user, data=upload.read(), filename=upload.name)
        except ValidationError as exc:
            problems = exc.messages  # every row's problems, listed above the form
        else:
            messages.success(request, _("已导入明厨亮灶接入 %(n)d 条。") % {"n": n})
            return redirect("inspections:kitchens")
    return render(request, "inspections/kitchen_import.html", {"form": form, "problems": problems})


@access(REGULATORS)
def kitchen_template(request):
    return FileResponse(
        iter([template_xlsx(importing.LINKS)]), as_attachment=True, filename="明厨亮灶接入登记表.xlsx",
        content_type=XLSX,
    )  # fmt: skip


@access(ENTERPRISE)
def kitchen_mine(request):
    """An enterprise account's own entity's links, read-only."""
    links = selectors.link_list(user=request.user)
    return render(request, "inspections/kitchen_mine.html", {"links": links})
