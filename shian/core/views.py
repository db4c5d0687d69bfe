from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from shian.core.access import ACCOUNTS, EVERYONE, access
from shian.core.current_region import current_region_code
from shian.core.paging import filtered_page
from shian.core.permissions import require_perm

from . import selectors, services
from .forms import AuditFilterForm


@require_GET
@never_cache
@access(EVERYONE)
def healthz(request):
    """Liveness for load balancers and `make demo`: 200 with database status, 503 when the database is down."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        db = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # any driver error means "not healthy"
        db = {"ok": False, "vendor": connection.vendor, "error": exc.__class__.__name__}
    return JsonResponse({"status": "ok" if db["ok"] else "error", "database": db}, status=200 if db["ok"] else 503)


@access(perm="core.view_audit")
def audit(request):
    require_perm(request.user, "core.view_audit")
    code = current_region_code(request)
    form, page = filtered_page(
        request, AuditFilterForm, lambda **f: selectors.audit_list(user=request.user, region_code=code, **f)
    )
    return render(request, "core/audit.html", {"form": form, "page": page})


@access(ACCOUNTS)
def notifications(request):
    """The account's messages, newest first; opening one marks it read and follows its link."""
    page = Paginator(selectors.notification_list(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})


@access(ACCOUNTS, objects="notification")
@require_POST
def notification_open(request, pk: int):
    note = selectors.notification_list(user=request.user).filter(pk=pk).first()
    if note is None:
        raise Http404
    services.mark_read(actor=request.user, pks=[pk])
    safe = note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts=None)
    return redirect(note.url if safe else "core:notifications")


@access(ACCOUNTS)
@require_POST
def notifications_read_all(request):
    services.mark_read(actor=request.user)
    return redirect("core:notifications")


@access(perm="core.view_operations")
def operations(request):
    """The operations page: every scheduled job, its schedule, last run and next run, and the latest runs."""
    require_perm(request.user, "core.view_operations")
    job = request.GET.get("job", "")
    return render(request, "core/operations.html", {
        "jobs": selectors.operations(user=request.user),
        "runs": selectors.job_runs(user=request.user, job=job),
        "job": job,
    })  # fmt: skip
