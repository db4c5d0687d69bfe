"""Registry pages: thin over the selectors (reads, scoped) and services (writes, checked and audited)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core.access import ACCOUNTS, access
from shian.core.current_region import current_region_code
from shian.core.entitypanels import panels_for
from shian.core.paging import filtered_page
from shian.core.permissions import require_perm
from shian.core.regioncodes import COUNTY, level_of
from shian.regions.selectors import region_list
from shian.reports.xlsx import xlsx_response

from . import selectors, services
from .forms import EntityFilterForm, EntityForm, ExpiringFilterForm, KeyPersonForm, LicenseForm

MANAGE = "entities.manage_entities"


@access(ACCOUNTS)
def entity_list(request):
    code = current_region_code(request)
    form, page = filtered_page(
        request,
        EntityFilterForm,
        lambda **f: selectors.entity_list(user=request.user, region_code=code, **f),
        capped_by="q",
    )
    return render(request, "entities/list.html", {"form": form, "page": page})


@access(ACCOUNTS)
def entity_export(request):
    """The list as xlsx, with the page's filters; the service audits the export."""
    form = EntityFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    code = current_region_code(request)
    filename = _("市场主体_%(date)s.xlsx") % {"date": timezone.localdate().strftime("%Y%m%d")}
    return xlsx_response(
        filename, lambda out: services.export_entities(actor=request.user, output=out, region_code=code, **filters)
    )


@access(ACCOUNTS, objects="entity")
def entity_detail(request, pk: int):
    entity = selectors.entity_get(user=request.user, pk=pk)
    history = selectors.entity_history(user=request.user, entity=entity)[:50]
    context = {
        "entity": entity,
        "licenses": entity.licenses.all(),
        "people": entity.people.all(),
        "duplicates": selectors.likely_duplicates(user=request.user, entity=entity)[:10],
        "history": history,
        "license_form": LicenseForm(),
        "person_form": KeyPersonForm(),
        "panels": panels_for(request.user, entity),  # the upper apps' panels (shian/core/entitypanels.py)
    }
    return render(request, "entities/detail.html", context)


def _region_options(request, code: str | None):
    """Suggestions for the region-code box: the children of the current county or township (tens, not the
    tens of thousands of villages of a province)."""
    if (level_of(code) or 0) < COUNTY:
        return []
    return region_list(user=request.user, parent_code=code)[:300]


def _entity_form_page(request, form: EntityForm, title: str):
    code = current_region_code(request)
    context = {"form": form, "title": title, "region_options": _region_options(request, code)}
    return render(request, "entities/form.html", context)


@access(perm="entities.manage_entities")
def entity_create(request):
    require_perm(request.user, MANAGE)
    can_override = request.user.has_perm("entities.override_checksum")
    initial = {"region_code": current_region_code(request) or ""}
    form = EntityForm(request.POST or None, initial=initial, can_override=can_override)
    if request.method == "POST" and form.is_valid():
        entity = form.save(actor=request.user)
        if entity is not None:
            messages.success(request, _("已登记：%(name)s") % {"name": entity.name})
            return redirect("entities:detail", pk=entity.pk)
    return _entity_form_page(request, form, _("登记市场主体"))


@access(perm="entities.manage_entities", objects="entity")
def entity_edit(request, pk: int):
    entity = selectors.entity_get(user=request.user, pk=pk)
    require_perm(request.user, MANAGE)
    can_override = request.user.has_perm("entities.override_checksum")
    form = EntityForm(request.POST or None, entity=entity, can_override=can_override)
    if request.method == "POST" and form.is_valid():
        saved = form.save(actor=request.user)
        if saved is not None:
            messages.success(request, _("已保存。"))
            return redirect("entities:detail", pk=entity.pk)
    return _entity_form_page(request, form, _("修改市场主体"))


@access(perm="entities.manage_entities", objects="entity")
def entity_deregister(request, pk: int):
    """注销 after a confirmation page (the CSP allows no inline script for a JS confirm); nothing is deleted."""
    entity = selectors.entity_get(user=request.user, pk=pk)
    require_perm(request.user, MANAGE)
    if request.method == "POST":
        services.deregister_entity(actor=request.user, entity=entity)
        messages.success(request, _("已注销：%(name)s") % {"name": entity.name})
        return redirect("entities:detail", pk=entity.pk)
    return render(request, "entities/deregister.html", {"entity": entity})


def _add_to_entity(request, pk: int, form_class, template: str, done: str):
    entity = selectors.entity_get(user=request.user, pk=pk)
    require_perm(request.user, MANAGE)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid() and form.save(actor=request.user, entity=entity):
        messages.success(request, done)
        return redirect("entities:detail", pk=entity.pk)
    return render(request, template, {"form": form, "entity": entity})


@access(perm="entities.manage_entities", objects="entity")
def license_create(request, pk: int):
    return _add_to_entity(request, pk, LicenseForm, "entities/license_form.html", _("证照已添加。"))


@access(perm="entities.manage_entities", objects="entity")
def key_person_create(request, pk: int):
    return _add_to_entity(request, pk, KeyPersonForm, "entities/person_form.html", _("关键人员已添加。"))


@access(ACCOUNTS)
def expiring_licenses(request):
    """Licences expiring within 30/60/90 days (by default the region's rule) in the current region, with a count
    per sub-region on top."""
    code = current_region_code(request)
    form, page = filtered_page(
        request,
        ExpiringFilterForm,
        lambda days=None: selectors.expiring_licenses(user=request.user, region_code=code, days=days),
    )
    days = getattr(form, "cleaned_data", {}).get("days") or selectors.expiry_days(user=request.user, region_code=code)
    today = timezone.localdate()
    for licence in page:
        licence.days_left = (licence.expires_on - today).days
    counts = selectors.expiring_license_counts(user=request.user, region_code=code, days=days)
    context = {"form": form, "page": page, "days": days, "counts": counts}
    return render(request, "entities/expiring.html", context)
