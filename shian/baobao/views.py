import io
import tempfile
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.current_region import current_region_code
from shian.core.jurisdiction import in_scope
from shian.core.paging import filtered_page
from shian.regions.models import Region
from shian.regions.selectors import region_get
from shian.reports.documents import CONTENT_TYPES, FORMATS, chinese_date

from . import documents, selectors, services
from .forms import CadreFilterForm


@login_required
def cadre_list(request):
    code = current_region_code(request)
    form, page = filtered_page(
        request, CadreFilterForm, lambda **f: selectors.cadre_list(user=request.user, region_code=code, **f)
    )
    by_level = selectors.cadre_list(user=request.user, region_code=code).values("level").annotate(n=Count("pk"))
    counts = {row["level"]: row["n"] for row in by_level.order_by()}
    return render(request, "baobao/cadre_list.html", {"form": form, "page": page, "counts": counts})


# -- cadre detail, lists and commitment (issue 6 item 5) -------------------------------------------------------

ZIP_MAX_CADRES = 500


def _current_year() -> int:
    return timezone.localdate().year


@login_required
def cadre_detail(request, pk: int):
    cadre = selectors.cadre_get(user=request.user, pk=pk)
    guarantees = selectors.cadre_guarantees(user=request.user, cadre=cadre)
    year = _current_year()
    township = cadre.region_id[:9] if len(cadre.region_id) >= 9 else ""
    context = {
        "cadre": cadre,
        "guarantees": guarantees,
        "year": year,
        "commitment": documents.commitment_for(cadre=cadre, year=year),
        "can_confirm": cadre.user_id == request.user.pk or request.user.has_perm("baobao.manage_cadres"),
        "township": township if township and in_scope(request.user, township) else "",
    }
    return render(request, "baobao/cadre_detail.html", context)


@login_required
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
    name, data = documents.build(cadre, guarantees, commitment, fmt=fmt, year=year)
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=name, content_type=CONTENT_TYPES[fmt])


@login_required
def cadre_documents_docx(request, pk: int):
    return _cadre_document(request, pk, "docx")


@login_required
def cadre_documents_pdf(request, pk: int):
    return _cadre_document(request, pk, "pdf")


@login_required
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
    out = tempfile.TemporaryFile()
    try:
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            used: set[str] = set()
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
                if name in used:  # two cadres of one name in one village
                    stem, ext = name.rsplit(".", 1)
                    name = f"{stem}_{cadre.pk}.{ext}"
                used.add(name)
                archive.writestr(name, data)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    filename = _("%(region)s_包保清单与承诺书_%(fmt)s.zip") % {"region": region.name, "fmt": fmt}
    return FileResponse(out, as_attachment=True, filename=filename, content_type="application/zip")
