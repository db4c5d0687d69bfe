"""The rules page: every registered rule with its value in force in the user's region, its source and its
versions, and the form that adds a version (shian.core.ruleversions does the write)."""

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
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


# The policy tables' pages, linked from the rules page: (url name, label), added by the apps' policy views.
POLICY_PAGES: list[tuple[str, str]] = []


def register_policy_page(url_name: str, label) -> None:
    if url_name not in {name for name, _label in POLICY_PAGES}:
        POLICY_PAGES.append((url_name, label))


@access(perm="core.view_rules")
def rule_list(request):
    require_perm(request.user, "core.view_rules")
    code = current_region_code(request) or ""
    lines = ruleversions.rule_overview(user=request.user, region_code=code)
    policies = [{"url": reverse(name), "label": label} for name, label in POLICY_PAGES]
    return render(request, "core/rules.html", {"lines": lines, "region_code": code, "policies": policies})


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


# -- policy tables (their apps' pages call this with their own table, form and service) -------------------------


class PolicyVersionForm(forms.Form):
    """The fields every policy version has; an app's form adds its JSON parts (`JsonField`s)."""

    region_code = forms.CharField(label=_l("适用区划代码"), max_length=12, required=False)
    valid_from = forms.DateField(label=_l("生效日期"), widget=DATE_INPUT)
    reason = forms.CharField(label=_l("修订理由"), max_length=200)
    confirm_past = forms.BooleanField(label=_l("确认追溯生效（生效日期早于今天）"), required=False)


class JsonField(forms.JSONField):
    """A policy part edited as JSON text (pretty-printed, Chinese kept readable)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 8, "class": "mono", "spellcheck": "false"}))
        kwargs.setdefault("required", False)  # left empty: the part stays as in force
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False, indent=1)


def policy_page(request, *, title: str, qs, parts: list[tuple[str, str]], form_class, save, redirect_to: str):
    """A policy table's page: the version in force for the current region, every version bearing on it with its
    parts, and (for `core.edit_rules`) the form adding one; `save(actor=, **cleaned_data)` is the app's service."""
    require_perm(request.user, "core.view_rules")
    region_code = current_region_code(request) or ""
    in_force, versions = ruleversions.policy_versions(user=request.user, qs=qs, region_code=region_code)
    form = None
    if request.user.has_perm("core.edit_rules"):
        initial = {"region_code": region_code, **{attr: getattr(in_force, attr, None) for attr, _label in parts}}
        form = form_class(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                row = save(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request, _("已新增第 %(v)d 版，%(day)s 起生效。") % {"v": row.version, "day": row.valid_from}
                )
                return redirect(redirect_to)
    elif request.method == "POST":
        require_perm(request.user, "core.edit_rules")
    shown = [
        {
            "row": row,
            "parts": [(label, json.dumps(getattr(row, attr), ensure_ascii=False, indent=1)) for attr, label in parts],
        }
        for row in versions
    ]
    context = {"title": title, "in_force": in_force, "versions": shown, "form": form, "region_code": region_code}
    return render(request, "core/policy_versions.html", context)
