"""The staffing policy page (who must have a food-safety director): in force, history, a new version (issue 18
item 7)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from shian.core.access import access
from shian.core.rule_views import JsonField, PolicyVersionForm, policy_page, register_policy_page

from . import services
from .models import StaffingPolicy

PARTS = [("director_rules", _l("须配备食品安全总监的情形"))]


class StaffingPolicyForm(PolicyVersionForm):
    director_rules = JsonField(label=_l("须配备食品安全总监的情形（JSON：每条含 label 与条件）"))


register_policy_page("duties:staffing_policy", _l("人员配备规则（食品安全总监）"))


@access(perm="core.view_rules")
def staffing_policy(request):
    return policy_page(
        request, title=_("人员配备规则"), qs=StaffingPolicy.objects.all(), parts=PARTS,
        form_class=StaffingPolicyForm, save=services.add_staffing_policy_version, redirect_to="duties:staffing_policy",
    )  # fmt: skip
