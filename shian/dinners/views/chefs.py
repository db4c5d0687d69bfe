"""Pages of the 流动厨师 registry (docs/dinners.md §3): the chefs of a region (filter: certificate expiring), a chef
registered, one chef with masked ID and phone (unmasked on request, audited), certificate renewal and trainings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.access import STATION
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.forms import date_or_none as _date
from shian.core.forms import error_messages
from shian.core.jurisdiction import scope_queryset
from shian.core.pii import unmask
from shian.core.regioncodes import TOWNSHIP
from shian.regions.models import Region

from ..selectors import dinners as selectors
from ..services import chefs as services
from .common import CHEF_READERS, PER_PAGE


@access(CHEF_READERS)
def chef_list(request):
    expiring = request.GET.get("expiring") == "1"
    q = request.GET.get("q", "")[:50]
    qs = selectors.chef_list(user=request.user, region_code=current_region_code(request), q=q, expiring=expiring)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "dinners/chef_list.html", {"page": page, "q": q, "expiring": expiring,
                                                      "today": timezone.localdate(),
                                                      "can_keep": services.can_keep(request.user)})  # fmt: skip


@access(STATION)
def chef_new(request):
    errors: list[str] = []
    post = request.POST
    if request.method == "POST":
        try:
            chef = services.add_chef(
                actor=request.user, region_code=post.get("region_code", ""), name=post.get("name", ""),
                id_number=post.get("id_number", ""), phone=post.get("phone", ""),
                cert_number=post.get("cert_number", ""), cert_expires_on=_date(post.get("cert_expires_on")),
            )  # fmt: skip
        except ValidationError as exc:
            errors = error_messages(exc)
        else:
            messages.success(request, _("厨师已登记。"))
            return redirect("dinners:chef_detail", pk=chef.pk)
    prefix = request.user.region_id or ""
    regions = Region.objects.filter(code__startswith=prefix, level__lte=TOWNSHIP, level__gte=3).order_by("code")
    return render(request, "dinners/chef_form.html",
                  {"errors": errors, "posted": post, "regions": regions.values_list("code", "name")[:500]},
                  status=422 if errors else 200)  # fmt: skip


@access(CHEF_READERS, objects="chef")
def chef_detail(request, pk: int):
    """A chef: masked ID and phone (administrators and auditors may unmask, audited), the certificate and its
    renewal, the trainings and the dinners cooked."""
    chef = selectors.chef_get(user=request.user, pk=pk)
    errors: list[str] = []
    clear = None
    post = request.POST
    if request.method == "POST":
        action = post.get("action", "")
        try:
            if action == "unmask":
                clear = unmask(user=request.user, obj=chef, fields={"id_number": chef.id_number, "phone": chef.phone},
                               region_code=chef.region_id)  # fmt: skip
            elif action == "renew":
                services.renew_certificate(actor=request.user, chef=chef, cert_number=post.get("cert_number", ""),
                                           cert_expires_on=_date(post.get("cert_expires_on")))  # fmt: skip
                messages.success(request, _("健康证明已更新。"))
                return redirect("dinners:chef_detail", pk=chef.pk)
            elif action == "training":
                services.add_training(actor=request.user, chef=chef, held_on=_date(post.get("held_on")),
                                      title=post.get("title", ""), hours=post.get("hours") or 0)  # fmt: skip
                messages.success(request, _("培训记录已登记。"))
                return redirect("dinners:chef_detail", pk=chef.pk)
            else:
                errors = [_("未知操作。")]
        except ValidationError as exc:
            errors = error_messages(exc)
    context = {"chef": chef, "clear": clear, "errors": errors, "posted": post, "today": timezone.localdate(),
               "trainings": chef.trainings.all(), "dinners": scope_queryset(chef.dinners.all(), request.user).order_by("-held_on")[:20],
               "can_keep": services.can_keep(request.user), "can_unmask": request.user.has_perm("accounts.unmask_pii")}  # fmt: skip
    return render(request, "dinners/chef_detail.html", context, status=422 if errors else 200)
