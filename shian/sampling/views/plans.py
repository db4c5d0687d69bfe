"""Pages of sampling plans, tasks and the overview (docs/sampling.md §2): the overview (the county's first screen
for sampling), the plans of a jurisdiction and planning a year, one plan by category, township and month, a
station's tasks of a month, and the residents plans are computed from."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.access import REGULATORS
from shian.accounts.models import Role
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages
from shian.core.jurisdiction import require_in_scope
from shian.core.regioncodes import TOWNSHIP, level_of
from shian.regions.models import Region
from shian.regions.services import POPULATION_KEEPERS, set_population

from ..models import SamplingKind, SamplingTask
from ..selectors import plans as selectors
from ..selectors import samples as sample_selectors
from ..services import plans as services

PLANNERS = services.PLANNERS
PER_PAGE = 50
HEADLINE = ("sampling.plan_completion", "sampling.pass_rate", "sampling.disposal_on_time", "sampling.failed")


# -- the overview ----------------------------------------------------------------------------------------------


@access(REGULATORS)
def overview(request):
    """Plan completion, pass rate, disposal and its timeliness, coverage of producers, for the current region
    (?region=CODE drills down), by area, category and month; every number leads to the samples behind it."""
    code = current_region_code(request) or ""
    ov = selectors.overview(user=request.user, region_code=code)
    here, samples = reverse("sampling:overview"), reverse("sampling:samples")
    columns = [f for f in ov.figures if f["unit"] == "%" or f["key"] == "sampling.samples"]
    for row in ov.rows:
        if ov.entity_level:
            row["drill"] = f"{samples}?region={ov.code}&q="
        else:
            row["drill"] = "" if row["direct"] else f"{here}?region={row['code']}"
        row["samples"] = f"{samples}?region={row['code'] if not ov.entity_level else ov.code}"
        row["cells"] = [{"key": f["key"], "text": selectors.fmt(row["values"][f["key"]], f["unit"])} for f in columns]
    for cat in ov.categories:
        cat["link"] = f"{samples}?region={ov.code}&category={cat['code']}"
        cat["fail_link"] = f"{cat['link']}&conclusion=fail"
    context = {
        "ov": ov,
        "headline": [f for f in ov.figures if f["key"] in HEADLINE],
        "others": [f for f in ov.figures if f["key"] not in HEADLINE],
        "columns": columns,
        "samples_url": samples,
    }
    return render(request, "sampling/overview.html", context)


# -- plans -----------------------------------------------------------------------------------------------------


def _can_plan(user) -> bool:
    return user.is_superuser or user.role in PLANNERS


@access(REGULATORS)
def plan_list(request):
    """The plans of the user's jurisdiction; county and higher administrators plan a year here."""
    code = current_region_code(request) or ""
    plans = selectors.plan_list(user=request.user, region_code=code)
    page = Paginator(plans, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "can_plan": _can_plan(request.user),
        "region_code": code or (request.user.region_id or ""),
        "year": timezone.localdate().year,
    }
    return render(request, "sampling/plan_list.html", context)


@access(PLANNERS)
@require_POST
def plan_new(request):
    """Plan (or re-plan) a year for a region: the region, the year and optionally the rate."""
    post = request.POST
    try:
        year = int(post.get("year", ""))
    except ValueError:
        year = post.get("year", "")
    with service_errors_as_messages(request):
        plan = services.plan_sampling(actor=request.user, region_code=post.get("region", "").strip(), year=year,
                                      rate=post.get("rate", "").strip() or None)  # fmt: skip
        messages.success(request, _("已制定 %(name)s %(year)s 年抽检计划：%(n)s 批次，第 %(v)s 版。") % {
            "name": plan.region.name, "year": plan.year, "n": plan.batches, "v": plan.summary.get("version")})  # fmt: skip
        return redirect("sampling:plan_detail", pk=plan.pk)
    return redirect("sampling:plans")


@access(REGULATORS, objects="sampling_plan")
def plan_detail(request, pk: int):
    """One plan: residents, rate and batches, by kind, category (planned and sampled), township × month, the
    grain-stock share."""
    plan = selectors.plan_get(user=request.user, pk=pk)
    tables = selectors.plan_tables(plan)
    kinds = dict(SamplingKind.choices)
    context = {
        "plan": plan,
        "s": plan.summary,
        "tables": tables,
        "kinds": [(kinds.get(k, k), n) for k, n in plan.summary.get("by_kind", {}).items()],
        "months": range(1, 13),
        "can_plan": _can_plan(request.user),
    }
    return render(request, "sampling/plan_detail.html", context)


# -- tasks -----------------------------------------------------------------------------------------------------


def _month(text: str | None, default: datetime.date) -> int:
    try:
        day = datetime.date.fromisoformat(f"{(text or '').strip()}-01")
    except ValueError:
        day = default
    return day.year * 100 + day.month


@access(REGULATORS)
def task_list(request):
    """A station's sampling tasks of a month (?station=ID&month=YYYY-MM; an inspector opens on their own
    station and this month), with the samples recorded against each."""
    code = current_region_code(request) or ""
    today = timezone.localdate()
    month = _month(request.GET.get("month"), today)
    stations = selectors.stations_of(user=request.user, region_code=code)
    station_id = request.GET.get("station", "")
    if not station_id and request.user.role == Role.STATION_STAFF:
        mine = selectors.my_station(request.user)
        station_id = str(mine.pk) if mine else ""
    station = stations.filter(pk=int(station_id)).first() if station_id.isdigit() else None
    status = request.GET.get("status", "")
    tasks = selectors.task_list(user=request.user, region_code=code, station_id=station.pk if station else None,
                                month=month, status=status)  # fmt: skip
    page = Paginator(tasks, PER_PAGE).get_page(request.GET.get("page"))
    names = dict(sample_selectors.categories(code or request.user.region_id or ""))
    for task in page:
        task.category_name = names.get(task.category, task.category)
    context = {
        "page": page,
        "stations": stations,
        "station": station,
        "month": f"{month // 100:04d}-{month % 100:02d}",
        "status": status,
        "statuses": SamplingTask.Status.choices,
        "can_sample": request.user.is_superuser or request.user.role in (Role.STATION_STAFF,),
    }
    return render(request, "sampling/task_list.html", context)


# -- residents -------------------------------------------------------------------------------------------------


@access(REGULATORS)
def population(request):
    """The residents of the current region and the regions one level below (down to the townships); county and
    higher administrators edit them (audited)."""
    code = current_region_code(request) or (request.user.region_id or "")
    region = Region.objects.filter(code=code).first()
    if region is not None and level_of(code) > TOWNSHIP:
        region = region.parent
    if region is None:
        return redirect("sampling:overview")
    require_in_scope(request.user, region.code)
    children = list(region.children.filter(level__lte=TOWNSHIP, valid_to__isnull=True).order_by("code"))
    found = selectors.residents(region.code)
    context = {
        "region": region,
        "children": children,
        "found": found,
        "can_edit": request.user.is_superuser or request.user.role in POPULATION_KEEPERS,
    }
    return render(request, "sampling/plan_population.html", context)


@access(frozenset(POPULATION_KEEPERS))
@require_POST
def population_save(request):
    """Save the residents posted as `pop-<code>` (blank clears a figure); all or nothing."""
    from django.db import transaction

    region_code = request.POST.get("region", "")
    require_in_scope(request.user, region_code)
    changes = {}
    errors = []
    for key, raw in request.POST.items():
        if not key.startswith("pop-"):
            continue
        code, text = key[4:], raw.strip().replace(",", "")
        if text and not text.isdigit():
            name = Region.objects.filter(code=code).values_list("name", flat=True).first() or code
            errors.append(_("%(name)s：常住人口须为整数，收到“%(text)s”。") % {"name": name, "text": raw})
            continue
        changes[code] = int(text) if text else None
    if errors:
        for e in errors:
            messages.error(request, e)
        return redirect(f"{reverse('sampling:population')}?region={region_code}")
    with service_errors_as_messages(request), transaction.atomic():
        for code, n in changes.items():
            set_population(actor=request.user, region_code=code, population=n)
        messages.success(request, _("常住人口已保存。"))
    return redirect(f"{reverse('sampling:population')}?region={region_code}")
