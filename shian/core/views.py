from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from shian.core.access import ACCOUNTS, EVERYONE, access
from shian.core.current_region import current_region_code
from shian.core.paging import filtered_page
from shian.core.permissions import require_perm

from . import channels as notify_channels
from . import notifykinds, readiness, selectors, services
from .forms import AuditFilterForm, NotificationSettingsForm, apply_service_errors


@require_GET
@never_cache
@access(EVERYONE)
def healthz(request):
    """Liveness for load balancers and `make demo`: 200 with database status, 503 when the database is down."""
    db = readiness.database_status()
    return JsonResponse({"status": "ok" if db["ok"] else "error", "database": db}, status=200 if db["ok"] else 503)


@require_GET
@never_cache
@access(EVERYONE)
def readyz(request):
    """Readiness: 200 when the database answers and a task worker runs queued tasks (shian.core.readiness for the
    signal); otherwise 503, and the failing part carries `ok: false` and its reason."""
    db = readiness.database_status()
    worker = readiness.worker_status() if db["ok"] else {"ok": False, "reason": _("数据库不可用，未检查任务处理进程。")}
    ok = db["ok"] and worker["ok"]
    return JsonResponse(
        {"status": "ok" if ok else "error", "database": db, "worker": worker},
        status=200 if ok else 503,
        json_dumps_params={"ensure_ascii": False},
    )


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
    """The account's messages, one line per group (kind and object: "12 个问题逾期未整改（朱刘街道）"), newest first;
    opening one marks its group read and follows its link."""
    page = Paginator(selectors.notification_groups(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page, "rows": selectors.group_rows(page)})


@access(ACCOUNTS, objects="notification")
@require_POST
def notification_open(request, pk: int):
    note = selectors.notification_list(user=request.user).filter(pk=pk).first()
    if note is None:
        raise Http404
    grouped = bool(note.group_key) and (
        selectors.notification_list(user=request.user).filter(group_key=note.group_key).count() > 1
    )
    services.mark_read(actor=request.user, pks=[pk], group_key=note.group_key)
    target = note.group_url if grouped and note.group_url else note.url
    safe = target and url_has_allowed_host_and_scheme(target, allowed_hosts=None)
    return redirect(target if safe else "core:notifications")


@access(ACCOUNTS)
@require_POST
def notifications_read_all(request):
    services.mark_read(actor=request.user)
    return redirect("core:notifications")


@access(ACCOUNTS)
def notification_settings(request):
    """The account's own settings: kinds it wants, the daily digest on or off and its channel."""
    pref = selectors.notification_preference(user=request.user)
    kinds, channels = notifykinds.kinds(), notify_channels.channels()
    muted = set(pref.muted_kinds) if pref else set()
    initial = {
        "wanted": [code for code, _label in kinds if code not in muted],
        "digest": pref.digest if pref else True,
        "channel": pref.channel if pref else "",
    }
    form = NotificationSettingsForm(request.POST or None, initial=initial, kinds=kinds, channels=channels)
    if request.method == "POST" and form.is_valid():
        wanted = set(form.cleaned_data["wanted"])
        try:
            services.set_preferences(
                actor=request.user, muted_kinds=[code for code, _label in kinds if code not in wanted],
                digest=form.cleaned_data["digest"], channel=form.cleaned_data["channel"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_service_errors(form, exc, aliases={"muted_kinds": "wanted"})
        else:
            messages.success(request, _("通知设置已保存。"))
            return redirect("core:notification_settings")
    status = 422 if request.method == "POST" else 200
    return render(request, "core/notification_settings.html", {"form": form, "channels": channels}, status=status)


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
