"""The rules page: every registered rule with its value in force in the user's region, its source and its
versions, and the form that adds a version (shian.core.ruleversions does the write)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from . import ruleversions
from .access import access
from .current_region import current_region_code
from .forms import DATE_INPUT, apply_service_errors
from .permissions import require_perm


class RuleVersionForm(forms.Form):
    region_code = forms.CharField(label=_l("适用区划代码"), max_length=12, required=False)
    amount = forms.IntegerField(label=_l("数值"))
    valid_from = forms.DateField(label=_l("生效日期"), widget=DATE_INPUT)
    reason = forms.CharField(label=_l("修订理由"), max_length=200)
    source = forms.CharField(label=_l("依据（文件及条款）"), max_length=200, required=False)
    confirm_past = forms.BooleanField(label=_l("确认追溯生效（生效日期早于今天）"), required=False)


@access(perm="core.view_rules")
def rule_list(request):
    require_perm(request.user, "core.view_rules")
    code = current_region_code(request) or ""
    lines = ruleversions.rule_overview(user=request.user, region_code=code)
    return render(request, "core/rules.html", {"lines": lines, "region_code": code})


@access(perm="core.view_rules", objects="rule")
def rule_detail(request, code: str):
    """One rule's history in the user's region and, for its owners, the form adding a version."""
    require_perm(request.user, "core.view_rules")
    region_code = current_region_code(request) or ""
    line = ruleversions.rule_history(user=request.user, code=code, region_code=region_code)
    can_edit = request.user.has_perm("core.edit_rules")
    form = None
    if can_edit:
        form = RuleVersionForm(
            request.POST or None, initial={"region_code": region_code, "amount": line.in_force.value}
        )
        if request.method == "POST" and form.is_valid():
            try:
                row = ruleversions.add_rule_version(actor=request.user, code=code, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("已新增 %(name)s 第 %(v)d 版，%(day)s 起生效。") % {
                    "name": row.name, "v": row.version, "day": row.valid_from})  # fmt: skip
                return redirect("core:rule_detail", code=code)
    elif request.method == "POST":
        require_perm(request.user, "core.edit_rules")
    return render(request, "core/rule_detail.html", {"line": line, "form": form, "region_code": region_code})
