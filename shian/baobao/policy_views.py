"""The 包保 policy page: the version in force, its history, and a new version (issue 18 item 7)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from shian.core.access import access
from shian.core.rule_views import JsonField, PolicyVersionForm, policy_page, register_policy_page

from . import services
from .models import Policy

PARTS = [
    ("grade_rules", _l("分级规则")),
    ("level_for_grade", _l("各级包保层级")),
    ("capacity", _l("各层级包保上限")),
    ("department_match", _l("行业主管部门对应")),
]


class PolicyForm(PolicyVersionForm):
    grade_rules = JsonField(label=_l("分级规则（JSON：每条含 grade、label 与条件）"))
    level_for_grade = JsonField(label=_l("各级包保层级（JSON：等级 → 层级）"))
    capacity = JsonField(label=_l("各层级包保上限（JSON：层级 → 户数）"))
    department_match = JsonField(label=_l("行业主管部门对应（JSON：主体类型 → 部门编码）"))


register_policy_page("baobao:policy", _l("包保规则（分级、层级、上限、部门对应）"))


@access(perm="core.view_rules")
def policy(request):
    return policy_page(
        request, title=_("包保规则"), qs=Policy.objects.all(), parts=PARTS, form_class=PolicyForm,
        save=services.add_policy_version, redirect_to="baobao:policy",
    )  # fmt: skip
