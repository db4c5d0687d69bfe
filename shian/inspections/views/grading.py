"""Risk-grading pages (docs/inspections.md §2): the band distribution of the current region with drill-down and the
list of grades, one entity's grade with its factors and history and the adjust / lift forms, the run button, and
the scheme versions. Regulators read; the station and administrators write. Every band shows with its words
(A级（低风险）) and never beside a 包保 letter."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from shian.accounts.access import REGULATORS, STATION
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages
from shian.core.forms import apply_service_errors
from shian.core.paging import filtered_page
from shian.core.regioncodes import COUNTY, level_of
from shian.core.rule_views import JsonField, PolicyVersionForm, policy_page, register_policy_page
from shian.entities.models import SubType

from ..models import RiskBand, RiskScheme
from ..selectors import grading as selectors
from ..services import grading as services

ANY = [("", _l("全部"))]


class RiskFilterForm(forms.Form):
    band = forms.ChoiceField(label=_l("风险等级"), choices=ANY + RiskBand.choices, required=False)
    sub_type = forms.ChoiceField(label=_l("细分类型"), choices=ANY + SubType.choices, required=False)
    manual = forms.ChoiceField(
        label=_l("评定方式"), choices=ANY + [("1", _l("人工调整")), ("0", _l("自动评定"))], required=False
    )
    q = forms.CharField(label=_l("主体名称"), max_length=50, required=False)


class AdjustForm(forms.Form):
    band = forms.ChoiceField(label=_l("调整为"), choices=RiskBand.choices)
    reason = forms.CharField(  # required by the service, which says so by name
        label=_l("调整理由"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class LiftForm(forms.Form):
    reason = forms.CharField(
        label=_l("取消理由"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _can_write(user) -> bool:
    return user.is_superuser or user.role in STATION


@access(REGULATORS)
def risk(request):
    """The current region's bands, its child regions' bands (drill-down by the region switcher's links) and the
    filtered list of grades."""
    code = current_region_code(request) or ""
    dist = selectors.distribution(user=request.user, region_code=code)
    form, page = filtered_page(
        request, RiskFilterForm, lambda **f: selectors.grade_list(user=request.user, region_code=code, **f)
    )
    bands = [(band, selectors.band_label(band), dist["bands"][band]) for band in selectors.BANDS]
    context = {
        "dist": dist,
        "bands": bands,
        "band_labels": [label for _band, label, _n in bands],
        "form": form,
        "page": page,
        "region_code": code,
        "can_run": _can_write(request.user) and (level_of(code) or 0) >= COUNTY,
        "can_write": _can_write(request.user),
    }
    return render(request, "inspections/risk_overview.html", context)


@access(STATION)
@require_POST
def risk_run(request):
    """Grade the current county (or a region inside it) now; a city or province runs from the command line."""
    code = current_region_code(request) or ""
    if (level_of(code) or 0) < COUNTY:
        messages.error(request, _("请先在区划切换中选择一个县（区）或乡镇，市级和省级请使用命令 grade_risk。"))
        return redirect("inspections:risk")
    with service_errors_as_messages(request):
        run = services.grade_region(actor=request.user, region_code=code, trigger="ui")
        messages.success(
            request,
            _("风险分级完成：在营主体 %(n)d 户，新评定 %(g)d 户。") % {"n": run.entities, "g": run.graded},
        )
    return redirect("inspections:risk")


def _entity_page(request, entity_id: int, *, adjust=None, lift=None, status=200):
    entity, current, history = selectors.entity_grade(user=request.user, entity_id=entity_id)
    can_write = _can_write(request.user)
    context = {
        "entity": entity,
        "grade": current,
        "history": history,
        "can_write": can_write,
        "adjust_form": adjust or (AdjustForm() if can_write else None),
        "lift_form": lift or (LiftForm() if can_write and current and current.manual else None),
    }
    return render(request, "inspections/risk_entity.html", context, status=status)


@access(REGULATORS, objects="entity_id")
def entity_risk(request, entity_id: int):
    return _entity_page(request, entity_id)


@access(STATION, objects="entity_id")
@require_POST
def entity_risk_adjust(request, entity_id: int):
    selectors.entity_for_grading(user=request.user, entity_id=entity_id)  # 404 before anything else
    form = AdjustForm(request.POST)
    if form.is_valid():
        try:
            grade = services.adjust_grade(actor=request.user, entity_id=entity_id, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("风险等级已调整为 %(band)s。") % {"band": grade.get_band_display()})
            return redirect("inspections:entity_risk", entity_id=entity_id)
    return _entity_page(request, entity_id, adjust=form, status=400)


@access(STATION, objects="entity_id")
@require_POST
def entity_risk_lift(request, entity_id: int):
    selectors.entity_for_grading(user=request.user, entity_id=entity_id)
    form = LiftForm(request.POST)
    if form.is_valid():
        try:
            grade = services.lift_adjustment(actor=request.user, entity_id=entity_id, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("已取消人工调整，风险等级恢复为 %(band)s。") % {"band": grade.get_band_display()}
            )
            return redirect("inspections:entity_risk", entity_id=entity_id)
    return _entity_page(request, entity_id, lift=form, status=400)


# -- scheme versions (a policy table like the 包保 policy: shian.core.rule_views.policy_page) --------------------

SCHEME_PARTS = [
    ("tables", _l("评分表（静态、动态、信用）")),
    ("bands", _l("分级分值（A、B、C 的分数上限，以上为 D）")),
    ("frequency", _l("各级最低检查频次")),
]


class SchemeForm(PolicyVersionForm):
    variant = forms.ChoiceField(
        label=_l("评分办法（留空沿用现行）"), choices=ANY + RiskScheme.Variant.choices, required=False
    )
    tables = JsonField(label=_l("评分表（JSON：static、dynamic、credit，每项含 code、label、max）"))
    bands = JsonField(label=_l('分级分值（JSON：{"A": 30, "B": 45, "C": 60}）'))
    frequency = JsonField(label=_l("各级最低检查频次（JSON：等级 → {min, max, per_years}）"))


register_policy_page("inspections:risk_schemes", _l("风险分级评分表"))


@access(perm="core.view_rules")
def risk_schemes(request):
    """The scheme versions of the variant in force in the current region (the rule inspections.risk_variant) and,
    for the holders of core.edit_rules, a new version."""
    code = current_region_code(request) or ""
    variant = selectors.variant_for(code)
    return policy_page(
        request, title=_("风险分级评分表（%(v)s）") % {"v": RiskScheme.Variant(variant).label},
        qs=selectors.scheme_rows(variant=variant), parts=SCHEME_PARTS, form_class=SchemeForm,
        save=services.add_scheme_version, redirect_to="inspections:risk_schemes",
    )  # fmt: skip
