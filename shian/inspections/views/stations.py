"""Stations pages (docs/inspections.md §1): the stations of the jurisdiction, editing one (townships,
inspectors), and inspectors' declared conflicts of interest."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shian.accounts.access import ADMINS, REGULATORS, STATION
from shian.accounts.models import Role, User
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages
from shian.core.jurisdiction import region_under
from shian.regions.models import Region

from ..selectors import draws as draw_selectors
from ..selectors import stations as selectors
from ..services import stations as services


@access(REGULATORS)
def station_list(request):
    code = current_region_code(request)
    if request.method == "POST":
        with service_errors_as_messages(request):
            station = services.create_station(actor=request.user, region_code=request.POST.get("region", ""),
                                              code=request.POST.get("code", ""), name=request.POST.get("name", ""))  # fmt: skip
            messages.success(request, _("已新建 %(name)s。") % {"name": station.name})
            return redirect("inspections:station_edit", pk=station.pk)
        return redirect("inspections:stations")
    stations = selectors.station_list(user=request.user, region_code=code)
    can_edit = request.user.is_superuser or request.user.role in services.STATION_KEEPERS
    counties = Region.objects.filter(
        region_under(Region, "code", request.user.region_id or ""), level=Region.Level.COUNTY
    )
    return render(request, "inspections/station_list.html",
                  {"stations": stations, "can_edit": can_edit, "counties": counties[:200]})  # fmt: skip


@access(ADMINS, objects="station")
def station_edit(request, pk: int):
    station = selectors.station_get(user=request.user, pk=pk)
    if request.method == "POST":
        with service_errors_as_messages(request):
            services.update_station(
                actor=request.user, station=station, name=request.POST.get("name"),
                township_codes=request.POST.getlist("townships"),
                inspector_ids=[i for i in request.POST.getlist("inspectors") if i.isdigit()],
            )  # fmt: skip
            messages.success(request, _("已保存。"))
        return redirect("inspections:station_edit", pk=station.pk)
    taken = dict(
        station.townships.through.objects.exclude(station_id=station.pk).values_list("region_id", "station__name")
    )
    chosen = set(station.townships.values_list("code", flat=True))
    townships = [
        {"code": r.code, "name": r.name, "checked": r.code in chosen, "other": taken.get(r.code, "")}
        for r in Region.objects.filter(parent_id=station.region_id).order_by("code")
    ]
    members = set(station.inspectors.values_list("pk", flat=True))
    people = [
        {"pk": u.pk, "name": u.name or u.username, "region": u.region_id, "checked": u.pk in members}
        for u in User.objects.filter(
            region_under(User, "region", station.region_id), role=Role.STATION_STAFF, is_active=True
        ).order_by("region_id", "name")[:500]
    ]
    return render(request, "inspections/station_edit.html",
                  {"station": station, "townships": townships, "people": people})  # fmt: skip


@access(STATION)
def conflicts(request):
    """An inspector declares a conflict of interest with an entity; administrators see those of their area."""
    if request.method == "POST":
        with service_errors_as_messages(request):
            entity = request.POST.get("entity", "")
            services.declare_conflict(actor=request.user, entity_id=int(entity) if entity.isdigit() else 0,
                                      reason=request.POST.get("reason", ""))  # fmt: skip
            messages.success(request, _("回避声明已登记，双随机抽取不会再将您与该主体配对。"))
        return redirect("inspections:conflicts")
    q = request.GET.get("q", "").strip()
    context = {
        "conflicts": selectors.conflict_list(user=request.user)[:200],
        "q": q,
        "matches": draw_selectors.entity_choices(user=request.user, q=q) if q else [],
        "can_declare": request.user.role == Role.STATION_STAFF,
    }
    return render(request, "inspections/station_conflicts.html", context)
