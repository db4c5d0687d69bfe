"""你点我检 campaigns (docs/sampling.md §5): staff create, open and close a campaign for a region and approve the
public's proposals; the public proposes foods and votes, one vote per phone per campaign, the phone proven by a
texted code (shian.core.phonecodes) and kept only as a keyed hash; staff turn the winners into plan lines of the
region's plan for the year. Staff writes are scoped and audited; the public's writes are audited without people
and limited per client address."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shian.accounts.models import ADMIN_ROLES, Role
from shian.core import audit, phonecodes, rules
from shian.core import context as audit_context
from shian.core.jurisdiction import require_in_scope
from shian.core.models import AuditEntry
from shian.core.regioncodes import COUNTY, ancestor
from shian.entities.validators import validate_phone
from shian.regions.models import Region

from ..models import Campaign, PlanLine, Proposal, SamplingKind, SamplingPlan, Vote
from ..ruledefs import CAMPAIGN_WINNER_BATCHES, VOTES_PER_ADDRESS
from ..selectors import samples as sample_selectors

STAFF_ROLES = ADMIN_ROLES | {Role.STATION_STAFF}
ALREADY_VOTED = gettext_lazy("该手机号已在本次活动中投过票，每个手机号每次活动只能投一票。")


def purpose(campaign: Campaign) -> str:
    return f"sampling.vote.{campaign.pk}"


def _require_staff(actor, campaign_region: str | None) -> None:
    if not (actor.is_superuser or actor.role in STAFF_ROLES):
        raise PermissionDenied(_("只有市场监管所工作人员和管理员可以管理你点我检活动。"))
    require_in_scope(actor, campaign_region)


def _snapshot(c: Campaign) -> dict:
    return audit.snapshot(c, ["region_id", "title", "opens_at", "closes_at", "status", "winners"])


# -- staff ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def create_campaign(*, actor, region_code: str, title: str, opens_at, closes_at, winners: int | None) -> Campaign:
    """A draft campaign for a region inside the actor's jurisdiction."""
    _require_staff(actor, region_code or None)
    errors: dict = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("请填写活动名称。")]
    if not Region.objects.filter(code=region_code).exists():
        errors["region"] = [_("区划不存在：%(code)s") % {"code": region_code}]
    if opens_at is None:
        errors["opens_at"] = [_("请填写开始时间。")]
    if closes_at is None:
        errors["closes_at"] = [_("请填写结束时间。")]
    elif opens_at is not None and closes_at <= opens_at:
        errors["closes_at"] = [_("结束时间应晚于开始时间。")]
    if winners is None or not 1 <= winners <= 50:
        errors["winners"] = [_("入选数量应为 1–50。")]
    if errors:
        raise ValidationError(errors)
    c = Campaign.objects.create(region_id=region_code, title=title[:100], opens_at=opens_at, closes_at=closes_at,
                                winners=winners, created_by=actor)  # fmt: skip
    audit.record(actor=actor, action="campaign.create", obj=c, region_code=c.region_id, after=_snapshot(c))
    return c


def _transition(actor, campaign: Campaign, *, to: str, allowed_from: tuple, action: str) -> Campaign:
    _require_staff(actor, campaign.region_id)
    with transaction.atomic():
        c = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if c.status not in allowed_from:
            raise ValidationError(
                {"status": [_("活动当前为“%(s)s”，不能执行此操作。") % {"s": c.get_status_display()}]}
            )
        before = _snapshot(c)
        c.status = to
        c.save(update_fields=["status"])
        audit.record(actor=actor, action=action, obj=c, region_code=c.region_id, before=before, after=_snapshot(c))
    return c


def open_campaign(*, actor, campaign: Campaign) -> Campaign:
    return _transition(actor, campaign, to=Campaign.Status.VOTING, allowed_from=(Campaign.Status.DRAFT,),
                       action="campaign.open")  # fmt: skip


def close_campaign(*, actor, campaign: Campaign) -> Campaign:
    return _transition(actor, campaign, to=Campaign.Status.CLOSED, allowed_from=(Campaign.Status.VOTING,),
                       action="campaign.close")  # fmt: skip


@transaction.atomic
def approve_proposal(*, actor, proposal: Proposal, category: str) -> Proposal:
    """Show a proposal to the public, with the food category it is sampled under."""
    _require_staff(actor, proposal.campaign.region_id)
    codes = dict(sample_selectors.categories(proposal.campaign.region_id))
    category = category or proposal.category
    if category not in codes:
        raise ValidationError(
            {"category": [_("请选择现行抽检食品类别表中的类别（“%(p)s”）。") % {"p": proposal.product}]}
        )
    proposal.approved, proposal.category = True, category
    proposal.save(update_fields=["approved", "category"])
    audit.record(actor=actor, action="campaign.approve_proposal", obj=proposal, region_code=proposal.campaign.region_id,
                 after={"product": proposal.product, "category": category})  # fmt: skip
    return proposal


def ranking(campaign: Campaign):
    """Approved proposals with their votes, most votes first (ties: the earlier proposal)."""
    return campaign.proposals.filter(approved=True).annotate(n_votes=Count("votes")).order_by("-n_votes", "id")


def winners(campaign: Campaign) -> list[Proposal]:
    return [p for p in ranking(campaign)[: campaign.winners] if p.n_votes > 0]


def _townships(plan: SamplingPlan, region_code: str) -> list[str]:
    codes = sorted(set(plan.lines.filter(township__code__startswith=region_code).values_list("township_id", flat=True)))
    return codes or [region_code]


@transaction.atomic
def make_plan_lines(*, actor, campaign: Campaign, month: int) -> list[PlanLine]:
    """The winners become plan lines (`PlanLine.campaign`) of the region's plan for the campaign's year, in
    `month`, spread over the plan's townships; refused when the region has no plan for that year."""
    _require_staff(actor, campaign.region_id)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.CLOSED:
        raise ValidationError({"status": [_("请先结束投票，再将入选食品列入抽检计划。")]})
    if campaign.plan_lines.exists():
        raise ValidationError({"status": [_("本活动的入选食品已列入抽检计划。")]})
    if not 1 <= (month or 0) <= 12:
        raise ValidationError({"month": [_("月份应为 1–12。")]})
    year = timezone.localtime(campaign.closes_at).year
    county = ancestor(campaign.region_id, COUNTY)
    plan = SamplingPlan.objects.filter(region_id=county, year=year).order_by("-created_at").first()
    if plan is None:
        raise ValidationError({"plan": [_(
            "%(region)s 尚无 %(year)d 年度抽检计划。请先在“抽检计划”页面编制，或运行 "
            "python manage.py plan_sampling --year %(year)d --region %(code)s。"
        ) % {"region": campaign.region.name, "year": year, "code": county}]})  # fmt: skip
    chosen = winners(campaign)
    if not chosen:
        raise ValidationError({"status": [_("本活动没有获得投票的入选食品。")]})
    townships = _townships(plan, campaign.region_id)
    batches = rules.value(CAMPAIGN_WINNER_BATCHES.code, campaign.region_id)
    lines = [PlanLine.objects.create(plan=plan, kind=SamplingKind.SUPERVISION, category=p.category,
                                     township_id=townships[i % len(townships)], month=month, batches=batches,
                                     campaign=campaign) for i, p in enumerate(chosen)]  # fmt: skip
    audit.record(actor=actor, action="campaign.plan_lines", obj=campaign, region_code=campaign.region_id,
                 after={"plan": plan.pk, "month": month, "lines": [ln.pk for ln in lines],
                        "winners": [p.product for p in chosen]})  # fmt: skip
    return lines


# -- the public ----------------------------------------------------------------------------------------------------


def _voting(campaign: Campaign, now: datetime.datetime) -> None:
    if campaign.status != Campaign.Status.VOTING or not campaign.opens_at <= now <= campaign.closes_at:
        raise ValidationError({"campaign": [_("本活动当前不在投票期内。")]})


def _address_limited(action: str) -> bool:
    ip = audit_context.client_ip.get()
    if not ip:
        return False
    since = timezone.now() - datetime.timedelta(days=1)
    n = AuditEntry.objects.filter(action=action, ip=ip, at__gte=since).count()
    return n >= rules.value(VOTES_PER_ADDRESS.code)


def _phone(phone: str) -> str:
    try:
        phone = validate_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    if not phone.startswith("1"):
        raise ValidationError({"phone": [_("请填写能接收短信的手机号码。")]})
    return phone


def propose(*, campaign: Campaign, product: str, place: str = "", now: datetime.datetime | None = None) -> Proposal:
    """A food the public asks to have tested; shown once staff approve it."""
    _voting(campaign, now or timezone.now())
    product = (product or "").strip()
    if not product:
        raise ValidationError({"product": [_("请填写想要检测的食品。")]})
    if _address_limited("campaign.propose"):
        raise ValidationError({"product": [_("提交过于频繁，请明天再试。")]})
    p = Proposal.objects.create(campaign=campaign, product=product[:100], place=(place or "").strip()[:200])
    audit.record(actor=None, action="campaign.propose", obj=p, region_code=campaign.region_id,
                 after={"campaign": campaign.pk, "product": p.product})  # fmt: skip
    return p


def send_vote_code(*, campaign: Campaign, phone: str, now: datetime.datetime | None = None) -> int:
    """Text a code to the voter's phone (limited per phone and per client address: core.phonecodes)."""
    _voting(campaign, now or timezone.now())
    phone = _phone(phone)
    text = _("【食安】您正在参加“%(title)s”投票，验证码 %%(code)s，%%(minutes)d 分钟内有效。") % {
        "title": campaign.title
    }
    return phonecodes.send_code(purpose=purpose(campaign), phone=phone, text=text)


def cast_vote(*, campaign: Campaign, proposal_id, phone: str, code: str,
              now: datetime.datetime | None = None) -> Vote:  # fmt: skip
    """One vote per verified phone per campaign; a phone without a valid code, or a second vote, is refused."""
    _voting(campaign, now or timezone.now())
    phone = _phone(phone)
    proposal = campaign.proposals.filter(pk=proposal_id, approved=True).first() if str(proposal_id).isdigit() else None
    if proposal is None:
        raise ValidationError({"proposal": [_("请选择一项已公布的候选食品。")]})
    if _address_limited("campaign.vote"):
        raise ValidationError({"phone": [_("投票过于频繁，请明天再试。")]})
    phone_hash = phonecodes.verify_code(purpose=purpose(campaign), phone=phone, code=code)
    if Vote.objects.filter(campaign=campaign, phone_hash=phone_hash).exists():
        raise ValidationError({"phone": [ALREADY_VOTED]}, code="voted")
    try:
        with transaction.atomic():
            vote = Vote.objects.create(campaign=campaign, proposal=proposal, phone_hash=phone_hash)
    except IntegrityError as exc:  # a concurrent vote with the same phone
        raise ValidationError({"phone": [ALREADY_VOTED]}, code="voted") from exc
    audit.record(actor=None, action="campaign.vote", obj=campaign, region_code=campaign.region_id,
                 after={"proposal": proposal.pk})  # fmt: skip
    return vote
