"""Pages of risk warnings (docs/warnings.md §4): the counts by level per region with drill-down and the list, one
warning with the records that raised it and its actions, the rules with their versions and the edit form."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.access import STATION
from shian.accounts.models import Role
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.forms import error_messages
from shian.core.jurisdiction import in_scope

from ..models import LEVEL_ORDER, Level, RiskWarning
from ..selectors import warnings as selectors
from ..services import rules as rule_services
from ..services import steps

PER_PAGE = 30
READERS = STATION | {Role.AUDITOR}


@access(READERS)
def warning_list(request):
    region = (request.GET.get("region") or "").strip()[:12] or current_region_code(request)
    if region and not in_scope(request.user, region):
        region = current_region_code(request)
    level = request.GET.get("level", "")
    state = request.GET.get("state", "open")
    qs = selectors.warning_list(user=request.user, region_code=region, level=level, state=state)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    counts = selectors.level_counts(user=request.user, region_code=region)
    levels = [(lv, Level(lv).label) for lv in LEVEL_ORDER]
    return render(request, "warnings/warning_list.html", {
        "page": page, "counts": counts, "levels": levels, "level": level, "state": state, "region": region,
        "states": RiskWarning.State.choices,
    })  # fmt: skip


@access(READERS, objects="risk_warning")
def warning_detail(request, pk: int):
    warning = selectors.warning_get(user=request.user, pk=pk)
    return render(request, "warnings/warning_detail.html", {
        "warning": warning, "can_handle": steps.can_handle(request.user), "linkable": list(steps.LINKABLE),
    })  # fmt: skip


@access(STATION, objects="risk_warning")
@require_POST
def warning_step(request, pk: int):
    """One step of the warning: acknowledge, investigate, link a record, close with a finding."""
    warning = selectors.warning_get(user=request.user, pk=pk)
    action = request.POST.get("action", "")
    try:
        if action == "acknowledge":
            steps.acknowledge(actor=request.user, warning=warning)
        elif action == "investigate":
            steps.investigate(actor=request.user, warning=warning)
        elif action == "link":
            steps.link(actor=request.user, warning=warning, kind=request.POST.get("kind", ""),
                       pk=request.POST.get("record", ""))  # fmt: skip
        elif action == "close":
            steps.close(actor=request.user, warning=warning, finding=request.POST.get("finding", ""))
        else:
            raise ValidationError(_("未知的操作“%(a)s”。") % {"a": action[:20]})
    except ValidationError as exc:
        for message in error_messages(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("已保存。"))
    return redirect("warnings:warning_detail", pk=warning.pk)


@access(READERS)
def rule_list(request):
    return render(request, "warnings/rule_list.html", {"rules": selectors.rule_list()})


@access(READERS, objects="warning_rule")
def rule_detail(request, code: str):
    """A rule's versions and, for county administrators and above, the form adding a version."""
    versions = list(selectors.rule_versions(code))
    if not versions:
        raise Http404
    errors: list[str] = []
    can_edit = rule_services.can_edit(request.user)
    if request.method == "POST":
        if not can_edit:
            errors = [_("只有县级及以上管理员可以修改预警规则。")]
        else:
            try:
                params = json.loads(request.POST.get("params") or "{}")
            except ValueError:
                errors = [_("参数不是有效的 JSON。")]
            if not errors:
                try:
                    rule_services.edit_rule(actor=request.user, code=code, changes={
                        "level": request.POST.get("level", ""), "window_days": request.POST.get("window_days", ""),
                        "params": params, "active": request.POST.get("active") == "1"})  # fmt: skip
                except ValidationError as exc:
                    errors = error_messages(exc)
                else:
                    messages.success(request, _("已保存为新版本。"))
                    return redirect("warnings:rule_detail", code=code)
    return render(request, "warnings/rule_detail.html", {
        "rule": versions[0], "versions": versions, "can_edit": can_edit, "errors": errors,
        "levels": Level.choices, "params_json": json.dumps(versions[0].params, ensure_ascii=False),
    }, status=422 if errors else 200)  # fmt: skip
