"""双随机一公开 pages (docs/inspections.md §4): the draws of the jurisdiction and the run form, one draw (its
parameters, hashes, exclusions, tasks; verify and publish), and the public page of published results."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.access import ANYONE, REGULATORS, STATION
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages

from ..selectors import draws as selectors
from ..selectors.stations import station_list
from ..services import draws as services


@access(REGULATORS)
def draw_list(request):
    code = current_region_code(request)
    if request.method == "POST":
        station = request.POST.get("station", "")
        with service_errors_as_messages(request):
            draw = services.run_draw(
                actor=request.user, region_code=code or request.user.region_id or "",
                count=request.POST.get("count", ""), seed=request.POST.get("seed", ""),
                weighted=request.POST.get("weighted") == "1", station_id=int(station) if station.isdigit() else None,
                title=request.POST.get("title", ""), use_score=request.POST.get("use_score") == "1",
            )  # fmt: skip
            messages.success(request, _("抽取完成：%(n)s 户主体。") % {"n": draw.count})
            return redirect("inspections:draw_detail", pk=draw.pk)
        return redirect("inspections:draws")
    page = Paginator(selectors.draw_list(user=request.user, region_code=code), 30).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for draw in page:
        draw.overdue = selectors.is_overdue(draw, today)
    can_draw = request.user.is_superuser or request.user.role in services.DRAWERS
    return render(request, "inspections/draw_list.html", {
        "page": page, "can_draw": can_draw, "stations": station_list(user=request.user, region_code=code),
    })  # fmt: skip


@access(REGULATORS, objects="draw")
def draw_detail(request, pk: int):
    draw = selectors.draw_get(user=request.user, pk=pk)
    no_station = sum(len(x.get("entities", [])) for x in draw.exclusions if x.get("kind") == "no_station")
    others = [x for x in draw.exclusions if x.get("kind") != "no_station"]
    return render(request, "inspections/draw_detail.html", {
        "draw": draw, "rows": selectors.draw_rows(draw, limit=500), "no_station": no_station, "exclusions": others,
        "candidates_n": len(draw.candidates), "overdue": selectors.is_overdue(draw),
        "can_publish": request.user.is_superuser or request.user.role in services.DRAWERS,
    })  # fmt: skip


@access(REGULATORS, objects="draw")
@require_POST
def draw_verify(request, pk: int):
    draw = selectors.draw_get(user=request.user, pk=pk)
    result = services.verify_draw(draw.pk)
    if result["reproduced"]:
        messages.success(request, _("复算一致：候选名单 SHA-256 相符，抽取结果可重现。"))
    else:
        messages.error(request, _("复算不一致：") + "；".join(result["problems"]))
    return redirect("inspections:draw_detail", pk=draw.pk)


@access(STATION, objects="draw")
@require_POST
def draw_publish(request, pk: int):
    draw = selectors.draw_get(user=request.user, pk=pk)
    with service_errors_as_messages(request):
        services.publish_draw(actor=request.user, draw=draw)
        messages.success(request, _("抽查结果已公示。"))
    return redirect("inspections:draw_detail", pk=draw.pk)


@access(ANYONE)
def public_draws(request):
    """Published draws for anyone, no login: entities, USCC, inspectors' names and outcomes; nothing personal."""
    page = Paginator(selectors.public_draws(), 10).get_page(request.GET.get("page"))
    draws = [{"draw": d, "rows": selectors.public_rows(d)} for d in page]
    return render(request, "inspections/public_draws.html", {"page": page, "draws": draws})
