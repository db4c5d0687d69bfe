"""Staff and market pages of smart markets (docs/markets.md §4): the markets of the jurisdiction with the day's
figures; a market's page (the day's tests by stall, failures first, prices; forms to post a test and the prices);
its stall registry (add, import from Excel, the template); a stall (edit, release a hold, recent tests).
Phone-first: one column, forms of a few fields. Every write goes through the services."""

import base64
import datetime
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_time
from django.utils.translation import gettext as _

from shian.accounts.access import SIGNED_IN
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.forms import error_messages
from shian.core.forms import int_or_none as _int
from shian.core.jurisdiction import scope_queryset
from shian.core.pii import mask_phone
from shian.imports.workbooks import template_xlsx
from shian.sampling.models import RapidTestRoom

from ..models import Category, StallTest
from ..selectors import markets as selectors
from ..services import prices as price_services
from ..services import stalls as stall_services
from ..services import testing as test_services
from ..services.common import KEEPERS, can_keep, is_staff

PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD_MAX = 10 * 2**20  # bytes of an uploaded stall list


def _date(text) -> datetime.date | None:
    try:
        return parse_date((text or "").strip()[:10])
    except ValueError:
        return None


def _time(text) -> datetime.time | None:
    try:
        return parse_time((text or "").strip()[:8])
    except ValueError:
        return None


@access(SIGNED_IN)
def market_list(request):
    """The markets in reach with the day's figures; a market's own account goes straight to its market."""
    user = request.user
    day = _date(request.GET.get("day")) or timezone.localdate()
    qs = selectors.markets(user=user, region_code=current_region_code(request))
    if user.role == "enterprise" and not user.is_superuser:
        own = qs.first()
        if own is not None:
            return redirect("markets:market_detail", pk=own.pk)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    rows = selectors.with_day_counts(page.object_list, day)
    return render(request, "markets/market_list.html", {"page": page, "rows": rows, "day": day})


def _stall_choices(market, day):
    return list(selectors.active_stalls([market.pk], day).order_by("number").values_list("pk", "number"))


@access(SIGNED_IN, objects="market")
def market_detail(request, pk: int):
    """A market's day (`?day=`, default today): tests by stall, failures first, prices; the keeper's forms."""
    market = selectors.market_get(user=request.user, pk=pk)
    day = _date(request.GET.get("day")) or timezone.localdate()
    keeper = can_keep(request.user, market)
    errors: list[str] = []
    post = request.POST
    if request.method == "POST":
        try:
            if post.get("action") == "prices":
                rows = [{"product": p, "unit": u, "price": v} for p, u, v in
                        zip(post.getlist("product"), post.getlist("unit"), post.getlist("price"), strict=False)]  # fmt: skip
                price_services.set_prices(actor=request.user, market=market, stall_id=_int(post.get("stall")),
                                          day=_date(post.get("day")), rows=rows)  # fmt: skip
                messages.success(request, _("已保存价格公示。"))
            else:
                room = None
                if post.get("room") and is_staff(request.user):
                    room = scope_queryset(RapidTestRoom.objects.filter(active=True), request.user,
                                          "station__region").filter(pk=_int(post.get("room"))).first()  # fmt: skip
                    if room is None:
                        raise ValidationError({"room": [_("请选择本辖区在用的快检室。")]})
                test = test_services.record_test(
                    actor=request.user, market=market, stall_id=_int(post.get("stall")), day=_date(post.get("day")),
                    at=_time(post.get("at")), product=post.get("product", ""), item=post.get("item", ""),
                    result=post.get("result", ""), tester=post.get("tester", ""), room=room,
                )  # fmt: skip
                if test.failed:
                    messages.warning(
                        request, _("已登记：摊位 %(n)s %(p)s 不合格。") % {"n": test.stall.number, "p": test.product}
                    )
                else:
                    messages.success(
                        request, _("已登记：摊位 %(n)s %(p)s 合格。") % {"n": test.stall.number, "p": test.product}
                    )
        except ValidationError as exc:
            errors = error_messages(exc)
        else:
            return redirect(f"{request.path}?day={(_date(post.get('day')) or day).isoformat()}")
    lines = selectors.market_day(market, day)
    tests = [t for line in lines for t in line.tests]
    rooms = []
    if keeper and is_staff(request.user):
        rooms = list(scope_queryset(RapidTestRoom.objects.filter(active=True), request.user, "station__region")
                     .order_by("name").values_list("pk", "name")[:50])  # fmt: skip
    context = {
        "market": market, "day": day, "today": timezone.localdate(), "lines": lines, "keeper": keeper,
        "tests": len(tests), "failed": sum(1 for t in tests if t.failed),
        "tested": sum(1 for line in lines if line.tests), "held": sum(1 for line in lines if line.stall.on_hold),
        "has_prices": any(line.prices for line in lines), "stalls": _stall_choices(market, day) if keeper else [],
        "results": StallTest.Result.choices, "rooms": rooms, "errors": errors, "post": post,
        "price_rows": range(3),
    }  # fmt: skip
    return render(request, "markets/market_detail.html", context, status=422 if errors else 200)


def _stall_fields(post, stall=None) -> dict:
    """The form's fields as the service's arguments; an edit that leaves the (masked) phone empty keeps it."""
    operator_id = _int(post.get("operator_id"))
    phone = post.get("operator_phone", "").strip()
    if not phone and stall is not None and not operator_id and stall.operator_phone:
        phone = stall.operator_phone
    return {
        "number": post.get("number", ""), "operator_id": operator_id,
        "operator_name": "" if operator_id else post.get("operator_name", ""),
        "operator_phone": "" if operator_id else phone,
        "categories": post.getlist("categories"), "active_from": _date(post.get("active_from")),
        "active_until": _date(post.get("active_until")),
    }  # fmt: skip


@access(SIGNED_IN, objects="market")
def stall_list(request, pk: int):
    """The stall registry (phones masked) and, for keepers, the form for a new stall."""
    market = selectors.market_get(user=request.user, pk=pk)
    keeper = can_keep(request.user, market)
    errors: list[str] = []
    if request.method == "POST":
        try:
            stall = stall_services.add_stall(actor=request.user, market=market, **_stall_fields(request.POST))
        except ValidationError as exc:
            errors = error_messages(exc)
        else:
            messages.success(request, _("已登记摊位 %(n)s。") % {"n": stall.number})
            return redirect("markets:stall_list", pk=market.pk)
    page = Paginator(selectors.stalls(user=request.user, market=market), PER_PAGE).get_page(request.GET.get("page"))
    for s in page.object_list:
        s.phone_masked = mask_phone(s.operator_phone) if s.operator_phone else ""
    context = {"market": market, "page": page, "keeper": keeper, "errors": errors, "post": request.POST,
               "categories": Category.choices, "today": timezone.localdate(),
               "chosen": request.POST.getlist("categories")}  # fmt: skip
    return render(request, "markets/stall_list.html", context, status=422 if errors else 200)


@access(KEEPERS, objects="market")
def stall_import(request, pk: int):
    """Import a stall list: all or nothing; a refused file lists every bad cell and offers the marked copy."""
    market = selectors.market_get(user=request.user, pk=pk)
    errors: list[str] = []
    report = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("请选择要导入的文件（xlsx、xls、ods 或 csv）。")]
        elif upload.size > UPLOAD_MAX:
            errors = [_("文件超过 10 MB，请分批导入。")]
        else:
            try:
                outcome = stall_services.import_stalls(actor=request.user, market=market, data=upload.read(),
                                                       filename=upload.name)  # fmt: skip
            except stall_services.ImportRefused as exc:
                errors = error_messages(exc)
                report = base64.b64encode(exc.report).decode() if exc.report else ""
            except ValidationError as exc:
                errors = error_messages(exc)
            else:
                messages.success(request, _("已导入：新增 %(c)d 个，更新 %(u)d 个，未变 %(n)d 个。") % {
                    "c": outcome.created, "u": outcome.updated, "n": outcome.unchanged})  # fmt: skip
                return redirect("markets:stall_list", pk=market.pk)
    context = {"market": market, "errors": errors, "report": report}
    return render(request, "markets/stall_import.html", context, status=422 if errors else 200)


@access(KEEPERS)
def stall_template(request):
    data = io.BytesIO(template_xlsx(stall_services.STALLS))
    return FileResponse(data, as_attachment=True, filename="市场摊位清单导入模板.xlsx", content_type=XLSX)


@access(SIGNED_IN, objects="stall")
def stall_detail(request, pk: int):
    """A stall: its record, its recent tests, and for keepers the edit form and the release of a hold."""
    stall = selectors.stall_get(user=request.user, pk=pk)
    market = stall.market
    keeper = can_keep(request.user, market)
    errors: list[str] = []
    post = request.POST
    if request.method == "POST":
        try:
            if post.get("action") == "release":
                test_services.release_hold(actor=request.user, stall=stall, note=post.get("note", ""))
                messages.success(request, _("已解除摊位 %(n)s 的暂停销售。") % {"n": stall.number})
            else:
                stall_services.update_stall(actor=request.user, stall=stall, **_stall_fields(post, stall))
                messages.success(request, _("已保存摊位 %(n)s。") % {"n": stall.number})
        except ValidationError as exc:
            errors = error_messages(exc)
            stall.refresh_from_db()
        else:
            return redirect("markets:stall_detail", pk=stall.pk)
    context = {"stall": stall, "market": market, "keeper": keeper, "errors": errors,
               "tests": selectors.stall_tests(user=request.user, stall=stall), "categories": Category.choices,
               "phone_masked": mask_phone(stall.operator_phone) if stall.operator_phone else ""}  # fmt: skip
    return render(request, "markets/stall_detail.html", context, status=422 if errors else 200)
