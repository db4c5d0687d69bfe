from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.access import ADMINS, REGULATORS
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages
from shian.core.jurisdiction import in_scope
from shian.core.paging import filtered_page
from shian.core.regioncodes import CITY, TOWNSHIP, ancestor, level_of
from shian.regions.models import Region
from shian.regions.selectors import region_get
from shian.reports.bundles import ZIP_CONTENT_TYPE, zip_bundle
from shian.reports.documents import FORMATS, attachment, chinese_date

from . import documents, grading, selectors, services
from .forms import CadreFilterForm, GuaranteeFilterForm
from .models import AssignmentRun


@access(REGULATORS)
def cadre_list(request):
    code = current_region_code(request)
    form, page = filtered_page(
        request, CadreFilterForm, lambda **f: selectors.cadre_list(user=request.user, region_code=code, **f)
    )
    by_level = selectors.cadre_list(user=request.user, region_code=code).values("level").annotate(n=Count("pk"))
    counts = {row["level"]: row["n"] for row in by_level.order_by()}
    return render(request, "baobao/cadre_list.html", {"form": form, "page": page, "counts": counts})


# -- overview and assignment runs (issue 6 items 1, 3, 6) ---------------------------------------------------

OVERVIEW_ROWS = 20


def _shares(counts: dict[str, int]) -> dict[str, float]:
    total = sum(counts.get(g, 0) for g in grading.GRADES) or 1
    return {g: 100 * counts.get(g, 0) / total for g in grading.GRADES}


@access(REGULATORS)
def overview(request):
    """One screen for the 包保 picture of the current region: grades beside seed 003, coverage, gaps,
    workload per level, the busiest cadres, commitments and the latest runs."""
    code = current_region_code(request)
    user = request.user
    counts = selectors.grade_counts(user=user, region_code=code)
    graded = sum(counts.get(g, 0) for g in grading.GRADES)
    gaps = selectors.unguaranteed(user=user, region_code=code)
    gap_count = gaps.count()
    cadres = selectors.workload(user=user, region_code=code)
    levels = selectors.workload_by_level(cadres)
    working = sum(row.get("working") or 0 for row in levels)
    year = timezone.localdate().year
    confirmed = selectors.commitment_count(user=user, region_code=code, year=year)
    shares = _shares(counts)
    context = {
        "grades": [(g, counts.get(g, 0), shares[g]) for g in grading.GRADES],
        "ungraded": counts.get("", 0),
        "graded": graded,
        "references": [(city, ref, _shares(ref)) for city, ref in grading.REFERENCE_COUNTS.items()],
        "guaranteed": graded + counts.get("", 0) - gap_count,
        "gap_count": gap_count,
        "gaps": gaps[:OVERVIEW_ROWS],
        "levels": levels,
        "busiest": [c for c in cadres[:OVERVIEW_ROWS] if c.load > 0],
        "working": working,
        "confirmed": confirmed,
        "year": year,
        "runs": selectors.run_list(user=user, region_code=code)[:5],
        "own": selectors.own_cadre(user=user),
        "overdue": selectors.overdue_change_count(user=user, region_code=code),
    }
    return render(request, "baobao/overview.html", context)


@access(REGULATORS)
def run_list(request):
    code = current_region_code(request)
    page = Paginator(selectors.run_list(user=request.user, region_code=code), 50).get_page(request.GET.get("page"))
    can_run = request.user.has_perm("baobao.manage_cadres") and (level_of(code) or 0) >= CITY
    return render(request, "baobao/run_list.html", {"page": page, "can_run": can_run, "region_code": code})


@access(ADMINS)
@require_POST
def run_create(request):
    """Grade and solve the current city or county in the request (seconds at that size); a province
    runs from the command line (`assign_cadres --region 37`)."""
    code = current_region_code(request) or ""
    if (level_of(code) or 0) < CITY:
        messages.error(request, _("请先在区划切换中选择一个市或县，全省匹配请使用命令 assign_cadres。"))
        return redirect("baobao:runs")
    with service_errors_as_messages(request):
        services.grade_entities(actor=request.user, region_code=code)
        run = services.assign_cadres(
            actor=request.user, region_code=code, incremental=request.POST.get("incremental") == "1"
        )
        messages.success(request, _("已生成待审核方案 #%(pk)d，请核对后发布。") % {"pk": run.pk})
        return redirect("baobao:run_detail", pk=run.pk)
    return redirect("baobao:runs")


@access(REGULATORS, objects="run")
def run_detail(request, pk: int):
    run = selectors.run_get(user=request.user, pk=pk)
    is_draft = run.status == AssignmentRun.Status.DRAFT
    changes = selectors.run_diff(run) if is_draft else None
    page = Paginator(changes, 50).get_page(request.GET.get("page")) if is_draft else None
    context = {
        "run": run,
        "page": page,
        "dropped": selectors.run_dropped(run)[:OVERVIEW_ROWS] if is_draft else [],
        "dropped_count": selectors.run_dropped(run).count() if is_draft else 0,
        "can_publish": is_draft and request.user.has_perm("baobao.manage_cadres"),
    }
    return render(request, "baobao/run_detail.html", context)


@access(ADMINS, objects="run")
@require_POST
def run_publish(request, pk: int):
    run = selectors.run_get(user=request.user, pk=pk)
    with service_errors_as_messages(request):
        services.publish_run(actor=request.user, run=run)
        messages.success(request, _("方案 #%(pk)d 已发布，包保关系即时生效。") % {"pk": run.pk})
    return redirect("baobao:run_detail", pk=run.pk)


@access(REGULATORS)
def guarantee_list(request):
    """Who guarantees what: a map of the current region's entities by grade and a searchable list."""
    code = current_region_code(request)
    form, page = filtered_page(
        request, GuaranteeFilterForm, lambda **f: selectors.guarantee_list(user=request.user, region_code=code, **f)
    )
    labels = {
        "grade": _("%(grade)s级"),
        "gap": _("未落实包保"),
        "cadre": _("包保干部"),
        "none": _("无"),
        "truncated": _("主体较多，仅显示等级较高的 %(shown)s 户（共 %(total)s 户）"),
        "empty": _("本区划暂无带坐标的主体"),
    }
    context = {"form": form, "page": page, "region_code": code or "", "map_labels": labels}
    return render(request, "baobao/guarantee_list.html", context)


# -- cadre detail, lists and commitment (issue 6 item 5) -------------------------------------------------------

ZIP_MAX_CADRES = 500


def _current_year() -> int:
    return timezone.localdate().year


@access(REGULATORS, objects="cadre")
def cadre_detail(request, pk: int):
    cadre = selectors.cadre_get(user=request.user, pk=pk)
    guarantees = selectors.cadre_guarantees(user=request.user, cadre=cadre)
    year = _current_year()
    township = ancestor(cadre.region_id, TOWNSHIP)
    context = {
        "cadre": cadre,
        "guarantees": guarantees,
        "year": year,
        "commitment": documents.commitment_for(cadre=cadre, year=year),
        "can_confirm": cadre.user_id == request.user.pk or request.user.has_perm("baobao.manage_cadres"),
        "township": township if township and in_scope(request.user, township) else "",
    }
    return render(request, "baobao/cadre_detail.html", context)


@access(REGULATORS, objects="cadre")
@require_POST
def commitment_confirm(request, pk: int):
    """The cadre (or an administrator) confirms this year's 承诺书; the service checks who and audits."""
    cadre = selectors.cadre_get(user=request.user, pk=pk)
    commitment = services.confirm_commitment(actor=request.user, cadre=cadre, year=_current_year())
    when = chinese_date(timezone.localtime(commitment.confirmed_at).date())
    messages.success(request, _("承诺书已于 %(date)s 确认。") % {"date": when})
    return redirect("baobao:cadre_detail", pk=cadre.pk)


def _cadre_document(request, pk: int, fmt: str):
    cadre = selectors.cadre_get(user=request.user, pk=pk)
    guarantees = selectors.cadre_guarantees(user=request.user, cadre=cadre)
    year = _current_year()
    commitment = documents.commitment_for(cadre=cadre, year=year)
    return attachment(*documents.build(cadre, guarantees, commitment, fmt=fmt, year=year))


@access(REGULATORS, objects="cadre")
def cadre_documents_docx(request, pk: int):
    return _cadre_document(request, pk, "docx")


@access(REGULATORS, objects="cadre")
def cadre_documents_pdf(request, pk: int):
    return _cadre_document(request, pk, "pdf")


@access(REGULATORS, objects="township")
def township_documents_zip(request, code: str):
    """Every cadre of a township (and its villages) who guarantees someone: one file each, in a zip written
    to a temporary file and streamed. 404 for a township outside the user's jurisdiction."""
    region = region_get(user=request.user, code=code)
    if region.level != Region.Level.TOWNSHIP:
        raise Http404(_("请选择一个乡镇（街道）。"))
    fmt = request.GET.get("format") or "docx"
    if fmt not in FORMATS:
        return HttpResponseBadRequest(_("文件格式应为 docx 或 pdf。"))
    cadres = selectors.township_cadres(user=request.user, township_code=region.code)
    total = cadres.count()
    if total > ZIP_MAX_CADRES:
        messages.error(
            request,
            _("%(region)s共有 %(n)d 名包保干部，超过一次打包下载的上限 %(max)d 名，请按村（社区）分别下载。")
            % {"region": region.name, "n": total, "max": ZIP_MAX_CADRES},
        )
        return redirect("baobao:cadres")
    cadres = list(cadres)
    year = _current_year()
    commitments = documents.commitments_for(cadres=cadres, year=year)
    labels: dict[str, str] = {}

    def files():
        for cadre in cadres:
            guarantees = selectors.cadre_guarantees(user=request.user, cadre=cadre)
            name, data = documents.build(
                cadre,
                guarantees,
                commitments.get(cadre.pk),
                fmt=fmt,
                year=year,
                region=documents.region_label(cadre, labels),
            )
            yield name, data, cadre.pk  # two cadres of one name in one village: the second gets its id

    out = zip_bundle(files())
    filename = _("%(region)s_包保清单与承诺书_%(fmt)s.zip") % {"region": region.name, "fmt": fmt}
    return FileResponse(out, as_attachment=True, filename=filename, content_type=ZIP_CONTENT_TYPE)


# -- changes with their 15/7 working-day deadlines (issue 6 item 4) ---------------------------------------------


@access(REGULATORS)
def change_list(request):
    """包保 changes under the current region with their deadlines, overdue ones flagged; an administrator runs
    detection for the region from here (a POST back to this page)."""
    code = current_region_code(request)
    if request.method == "POST":
        with service_errors_as_messages(request):
            counts = services.detect_changes(actor=request.user, region_code=code)
            done = _(
                "检测完成：新增主体 %(entity_new)d 个，主体注销 %(entity_closed)d 个，等级变化 %(grade_changed)d 个。"
            )
            messages.success(request, done % counts)
        return redirect(request.get_full_path())
    state = request.GET.get("state")
    if state not in selectors.CHANGE_STATES:
        state = "open"
    changes = selectors.change_list(user=request.user, region_code=code, state=state)
    context = {
        "page": Paginator(changes, 50).get_page(request.GET.get("page")),
        "state": state,
        "states": [("open", _("未办结")), ("overdue", _("已超期")), ("all", _("全部"))],
        "overdue": selectors.overdue_change_count(user=request.user, region_code=code),
        "can_detect": request.user.has_perm("baobao.manage_cadres"),
    }
    return render(request, "baobao/change_list.html", context)
