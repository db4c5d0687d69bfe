"""你点我检 pages (docs/sampling.md §5): the public list and campaign page (proposals, votes, propose, the texted
code and the vote; the winners' results once published) without login, and the staff's pages to create, open and
close a campaign, approve proposals and turn the winners into plan lines."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.access import ANYONE, STATION
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages
from shian.core.forms import error_messages
from shian.core.masking import mask_phone
from shian.core.phonecodes import TooManyCodes

from ..models import Campaign
from ..selectors import campaigns as selectors
from ..selectors import samples as sample_selectors
from ..services import campaigns as services
from .samples import _int, parse_moment


@access(ANYONE)
def public_campaigns(request):
    return render(request, "sampling/public_campaigns.html", {"campaigns": selectors.public_campaigns()[:50]})


def _public_context(campaign: Campaign) -> dict:
    proposals = list(selectors.proposals_with_votes(campaign))
    return {
        "campaign": campaign,
        "proposals": proposals,
        "total_votes": sum(p.n_votes for p in proposals),
        "voting": campaign.status == Campaign.Status.VOTING
        and campaign.opens_at <= timezone.now() <= campaign.closes_at,
        "results": list(selectors.winner_results(campaign)[:100]),
        "winner_lines": campaign.plan_lines.count(),
    }


@access(ANYONE, objects="campaign")
def public_campaign(request, pk: int):
    """The campaign's page: proposals and votes; while voting, the propose form, the code and the vote."""
    campaign = selectors.public_campaign(pk)
    context = _public_context(campaign)
    context.update(phone=request.session.get(f"vote-phone-{pk}", ""), errors=[])
    if request.method == "POST":
        action, post = request.POST.get("action", ""), request.POST
        try:
            if action == "code":
                phone = post.get("phone", "").strip()[:20]
                minutes = services.send_vote_code(campaign=campaign, phone=phone)
                request.session[f"vote-phone-{pk}"] = phone
                messages.success(request, _("验证码已发送至 %(p)s，%(m)d 分钟内有效。") % {"p": mask_phone(phone),
                                                                                     "m": minutes})  # fmt: skip
            elif action == "vote":
                services.cast_vote(campaign=campaign, proposal_id=post.get("proposal", ""), phone=post.get("phone", ""),
                                   code=post.get("code", ""))  # fmt: skip
                request.session.pop(f"vote-phone-{pk}", None)
                messages.success(request, _("投票成功，感谢参与。"))
            elif action == "propose":
                services.propose(campaign=campaign, product=post.get("product", ""), place=post.get("place", ""))
                messages.success(request, _("已收到您的建议，经审核后公布。"))
            else:
                raise ValidationError(_("未知的操作。"))
        except TooManyCodes as exc:
            context["errors"] = error_messages(exc)
            return render(request, "sampling/public_campaign.html", context, status=429)
        except ValidationError as exc:
            context["errors"] = error_messages(exc)
            context["phone"] = post.get("phone", "")[:20]
            return render(request, "sampling/public_campaign.html", context, status=422)
        return redirect("sampling:public_campaign", pk=pk)
    return render(request, "sampling/public_campaign.html", context)


# -- staff -----------------------------------------------------------------------------------------------------------


@access(STATION)
def campaigns(request):
    """The campaigns of the jurisdiction, and the form for a new one."""
    errors: list[str] = []
    region = current_region_code(request) or request.user.region_id or ""
    if request.method == "POST":
        try:
            c = services.create_campaign(
                actor=request.user, region_code=request.POST.get("region", "").strip() or region,
                title=request.POST.get("title", ""), opens_at=parse_moment(request.POST.get("opens_at")),
                closes_at=parse_moment(request.POST.get("closes_at")), winners=_int(request.POST.get("winners")),
            )  # fmt: skip
        except ValidationError as exc:
            errors = error_messages(exc)
        else:
            messages.success(request, _("已创建活动“%(t)s”。") % {"t": c.title})
            return redirect("sampling:campaign_detail", pk=c.pk)
    context = {"campaigns": selectors.staff_campaigns(user=request.user, region_code=current_region_code(request)),
               "errors": errors, "region": region, "post": request.POST}  # fmt: skip
    return render(request, "sampling/campaigns.html", context, status=422 if errors else 200)


@access(STATION, objects="campaign")
def campaign_detail(request, pk: int):
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    context = {
        "campaign": campaign,
        "proposals": campaign.proposals.order_by("approved", "id"),
        "ranking": list(selectors.proposals_with_votes(campaign)),
        "categories": sample_selectors.categories(campaign.region_id),
        "lines": campaign.plan_lines.select_related("township"),
        "months": range(1, 13),
    }
    return render(request, "sampling/campaign_detail.html", context)


@access(STATION, objects="campaign")
@require_POST
def campaign_action(request, pk: int):
    """open / close / approve (a proposal, with its category) / plan (winners into plan lines of a month)."""
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    action = request.POST.get("action", "")
    with service_errors_as_messages(request):
        if action == "open":
            services.open_campaign(actor=request.user, campaign=campaign)
            messages.success(request, _("活动已开始投票。"))
        elif action == "close":
            services.close_campaign(actor=request.user, campaign=campaign)
            messages.success(request, _("投票已结束。"))
        elif action == "approve":
            proposal = campaign.proposals.filter(pk=_int(request.POST.get("proposal"))).first()
            if proposal is None:
                raise ValidationError(_("未找到该建议。"))
            services.approve_proposal(actor=request.user, proposal=proposal, category=request.POST.get("category", ""))
            messages.success(request, _("已审核通过“%(p)s”。") % {"p": proposal.product})
        elif action == "plan":
            lines = services.make_plan_lines(actor=request.user, campaign=campaign,
                                             month=_int(request.POST.get("month")))  # fmt: skip
            messages.success(request, _("已将 %(n)d 个入选食品列入抽检计划。") % {"n": len(lines)})
        else:
            raise ValidationError(_("未知的操作。"))
    return redirect("sampling:campaign_detail", pk=campaign.pk)
