"""Rapid-test rooms (快检室, docs/sampling.md §5): the rooms of the jurisdiction with a new-room form, and a room's
page with one day's tests and the form for the next; editing and deactivating a room."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.access import REGULATORS
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.forms import date_or_none as _date
from shian.core.forms import error_messages
from shian.core.jurisdiction import scope_queryset
from shian.inspections.models import Station

from ..models import RapidTest
from ..selectors import campaigns as selectors
from ..services import rapid as services
from .samples import _int


@access(REGULATORS)
def rapid_rooms(request):
    """The rooms by station; station staff register a new one here."""
    errors: list[str] = []
    stations = scope_queryset(Station.objects.all(), request.user).order_by("code")
    if request.method == "POST":
        station = stations.filter(pk=_int(request.POST.get("station"))).first()
        try:
            if station is None:
                raise ValidationError({"station": [_("请选择本辖区的市场监管所。")]})
            room = services.create_room(actor=request.user, station=station, name=request.POST.get("name", ""),
                                        since=_date(request.POST.get("since")))  # fmt: skip
        except ValidationError as exc:
            errors = error_messages(exc)
        else:
            messages.success(request, _("已登记快检室“%(n)s”。") % {"n": room.name})
            return redirect("sampling:rapid_room", pk=room.pk)
    context = {"rooms": selectors.rooms(user=request.user, region_code=current_region_code(request)),
               "stations": stations, "errors": errors, "post": request.POST}  # fmt: skip
    return render(request, "sampling/rapid_rooms.html", context, status=422 if errors else 200)


@access(REGULATORS, objects="rapid_room")
def rapid_room(request, pk: int):
    """A room's day (`?day=YYYY-MM-DD`, default today): its tests, and the form for another."""
    room = selectors.room_get(user=request.user, pk=pk)
    day = _date(request.GET.get("day")) or timezone.localdate()
    errors: list[str] = []
    if request.method == "POST":
        if request.user.role not in services.STAFF_ROLES and not request.user.is_superuser:
            raise PermissionDenied(_("只有市场监管所工作人员和管理员可以登记快检。"))
        post = request.POST
        try:
            if post.get("action") == "edit":
                services.update_room(actor=request.user, room=room, name=post.get("name", ""),
                                     since=_date(post.get("since")), active=post.get("active") == "on")  # fmt: skip
                messages.success(request, _("已保存快检室信息。"))
                return redirect("sampling:rapid_room", pk=room.pk)
            test = services.record_test(
                actor=request.user, room=room, day=_date(post.get("day")), product=post.get("product", ""),
                item=post.get("item", ""), result=post.get("result", ""), entity_id=_int(post.get("entity")),
            )  # fmt: skip
        except ValidationError as exc:
            errors = error_messages(exc)
        else:
            messages.success(request, _("已登记快检：%(p)s %(i)s。") % {"p": test.product, "i": test.item})
            return redirect(f"{request.path}?day={test.day.isoformat()}")
    tests = list(selectors.room_day(room, day))
    context = {"room": room, "day": day, "tests": tests, "errors": errors, "post": request.POST,
               "results": RapidTest.Result.choices,
               "positives": sum(1 for t in tests if t.result == RapidTest.Result.POSITIVE),
               "can_write": request.user.is_superuser or request.user.role in services.STAFF_ROLES}  # fmt: skip
    return render(request, "sampling/rapid_room.html", context, status=422 if errors else 200)
