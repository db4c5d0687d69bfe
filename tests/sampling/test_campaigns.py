"""你点我检 (docs/sampling.md §5): staff create, open and close a campaign and approve proposals; the public
proposes and votes with a texted code, one vote per phone per campaign; the winners become plan lines of the
region's plan (refused with the way to make one when there is none); the campaign page shows results."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shian.accounts.models import Role
from shian.core import sms
from shian.core.models import AuditEntry
from shian.sampling.models import Campaign, CategoryTable, PlanLine, SamplingPlan, SamplingTask, Vote
from shian.sampling.services import campaigns as services

from .public_setup import make_result
from .samples_setup import station_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def _code() -> str:
    return re.search(r"\d{6}", sms.outbox[-1][1]).group(0)


@pytest.fixture(autouse=True)
def _county_admin(station_world, make_user):
    """Campaigns here are the county's: its administrator runs them (a township's staff only their township's)."""
    station_world["boss"] = make_user(Role.COUNTY_ADMIN, "370725", name="县局管理员")


@pytest.fixture(name="campaign")
def campaign_fixture(station_world):
    now = timezone.now()
    c = services.create_campaign(actor=station_world["boss"], region_code="370725", title="2026 你点我检",
                                 opens_at=now - datetime.timedelta(hours=1),
                                 closes_at=now + datetime.timedelta(days=7), winners=2)  # fmt: skip
    services.open_campaign(actor=station_world["boss"], campaign=c)
    c.refresh_from_db()
    return c


def _approved(world, campaign, product, category="catering"):
    p = services.propose(campaign=campaign, product=product)
    return services.approve_proposal(actor=world["boss"], proposal=p, category=category)


def _vote(campaign, proposal, phone):
    services.send_vote_code(campaign=campaign, phone=phone)
    return services.cast_vote(campaign=campaign, proposal_id=proposal.pk, phone=phone, code=_code())


def test_staff_create_open_and_close_a_campaign_with_audit(station_world, campaign):
    assert campaign.status == Campaign.Status.VOTING
    services.close_campaign(actor=station_world["boss"], campaign=campaign)
    actions = list(AuditEntry.objects.filter(object_id=str(campaign.pk)).values_list("action", flat=True))
    assert {"campaign.create", "campaign.open", "campaign.close"} <= set(actions)
    with pytest.raises(ValidationError, match="投票结束"):
        services.close_campaign(actor=station_world["boss"], campaign=campaign)


def test_a_new_campaign_names_each_bad_field(station_world):
    with pytest.raises(ValidationError) as exc:
        now = timezone.now()
        services.create_campaign(actor=station_world["boss"], region_code="370725", title=" ", opens_at=now,
                                 closes_at=now - datetime.timedelta(days=1), winners=0)  # fmt: skip
    assert set(exc.value.message_dict) == {"title", "closes_at", "winners"}


def test_only_station_staff_in_scope_manage_campaigns(station_world, make_user):
    now = timezone.now()
    with pytest.raises(PermissionDenied):
        services.create_campaign(actor=make_user(Role.CADRE, "370725"), region_code="370725", title="x",
                                 opens_at=now, closes_at=now, winners=1)  # fmt: skip
    with pytest.raises(Http404):
        services.create_campaign(actor=station_world["wang"], region_code="370725", title="x", opens_at=now,
                                 closes_at=now + datetime.timedelta(days=1), winners=1)  # fmt: skip


def test_a_proposal_is_shown_only_once_approved(station_world, campaign):
    services.propose(campaign=campaign, product="网红奶茶")
    page = Client().get(reverse("sampling:public_campaign", args=[campaign.pk])).content.decode()
    assert "网红奶茶" not in page
    _approved(station_world, campaign, "小龙虾")
    page = Client().get(reverse("sampling:public_campaign", args=[campaign.pk])).content.decode()
    assert "小龙虾" in page


def test_approval_needs_a_category_of_the_table(station_world, campaign):
    p = services.propose(campaign=campaign, product="月饼")
    with pytest.raises(ValidationError) as exc:
        services.approve_proposal(actor=station_world["boss"], proposal=p, category="no-such")
    assert "category" in exc.value.message_dict


def test_a_verified_phone_votes_once(station_world, campaign):
    p = _approved(station_world, campaign, "小龙虾")
    vote = _vote(campaign, p, "13812345678")
    assert "13812345678" not in vote.phone_hash
    other = _approved(station_world, campaign, "烧烤")
    with pytest.raises(ValidationError) as exc:
        _vote(campaign, other, "13812345678")
    assert "只能投一票" in str(exc.value)
    assert Vote.objects.filter(campaign=campaign).count() == 1
    entry = AuditEntry.objects.get(action="campaign.vote")
    assert "13812345678" not in str(entry.after) and entry.actor_id is None


def test_a_vote_without_a_verified_phone_is_refused(station_world, campaign):
    p = _approved(station_world, campaign, "小龙虾")
    with pytest.raises(ValidationError) as exc:  # never asked for a code
        services.cast_vote(campaign=campaign, proposal_id=p.pk, phone="13812345678", code="123456")
    assert "code" in exc.value.message_dict
    services.send_vote_code(campaign=campaign, phone="13812345678")
    code = _code()
    with pytest.raises(ValidationError):  # a code texted to another phone
        services.cast_vote(campaign=campaign, proposal_id=p.pk, phone="13912345678", code=code)
    assert not Vote.objects.exists()


def test_a_bad_phone_or_an_unapproved_proposal_is_refused_naming_the_field(station_world, campaign):
    with pytest.raises(ValidationError) as exc:
        services.send_vote_code(campaign=campaign, phone="12345")
    assert "phone" in exc.value.message_dict
    pending = services.propose(campaign=campaign, product="未审核")
    with pytest.raises(ValidationError) as exc:
        services.cast_vote(campaign=campaign, proposal_id=pending.pk, phone="13812345678", code="1")
    assert "proposal" in exc.value.message_dict


def test_no_vote_outside_the_voting_period(station_world, campaign):
    p = _approved(station_world, campaign, "小龙虾")
    services.close_campaign(actor=station_world["boss"], campaign=campaign)
    campaign.refresh_from_db()
    with pytest.raises(ValidationError, match="不在投票期"):
        services.send_vote_code(campaign=campaign, phone="13812345678")
    with pytest.raises(ValidationError, match="不在投票期"):
        services.cast_vote(campaign=campaign, proposal_id=p.pk, phone="13812345678", code="1")


def test_voting_on_the_public_page(station_world, campaign):
    p = _approved(station_world, campaign, "小龙虾")
    client = Client()
    url = reverse("sampling:public_campaign", args=[campaign.pk])
    response = client.post(url, {"action": "code", "phone": "13812345678"}, follow=True)
    assert "138****5678" in response.content.decode()
    client.post(url, {"action": "vote", "phone": "13812345678", "code": _code(), "proposal": p.pk})
    assert Vote.objects.count() == 1
    client.post(url, {"action": "code", "phone": "13812345678"})
    again = client.post(url, {"action": "vote", "phone": "13812345678", "code": _code(), "proposal": p.pk})
    assert again.status_code == 422 and "只能投一票" in again.content.decode()


def test_a_draft_campaign_is_not_public(station_world):
    now = timezone.now()
    c = services.create_campaign(actor=station_world["boss"], region_code="370725", title="草稿活动",
                                 opens_at=now, closes_at=now + datetime.timedelta(days=1), winners=1)  # fmt: skip
    assert Client().get(reverse("sampling:public_campaign", args=[c.pk])).status_code == 404
    assert Client().get(f"/api/open/v1/sampling/campaigns/{c.pk}").status_code == 404


def test_winners_need_the_regions_plan_for_the_year(station_world, campaign):
    p = _approved(station_world, campaign, "小龙虾")
    _vote(campaign, p, "13812345678")
    services.close_campaign(actor=station_world["boss"], campaign=campaign)
    with pytest.raises(ValidationError) as exc:
        services.make_plan_lines(actor=station_world["boss"], campaign=campaign, month=9)
    message = str(exc.value)
    assert "plan_sampling" in message and "370725" in message and str(campaign.closes_at.year) in message


def test_winners_become_plan_lines_and_their_results_show_on_the_campaign_page(station_world, campaign):
    w = station_world
    year = timezone.localtime(campaign.closes_at).year
    plan = SamplingPlan.objects.create(region_id="370725", year=year, residents=494000, rate=5, batches=2470,
                                       categories=CategoryTable.objects.first())  # fmt: skip
    for town in ("370725001", "370725107"):
        PlanLine.objects.create(plan=plan, category="catering", township_id=town, month=1, batches=10)
    first, second, third = (_approved(w, campaign, name) for name in ("小龙虾", "烧烤", "凉皮"))
    for phone, proposal in (("13800000001", first), ("13800000002", first), ("13800000003", second)):
        _vote(campaign, proposal, phone)
    services.close_campaign(actor=w["boss"], campaign=campaign)
    lines = services.make_plan_lines(actor=w["boss"], campaign=campaign, month=9)
    assert len(lines) == 2 and {ln.township_id for ln in lines} == {"370725001", "370725107"}
    assert all(ln.campaign_id == campaign.pk and ln.month == 9 and ln.plan_id == plan.pk for ln in lines)
    assert third.product not in str(AuditEntry.objects.get(action="campaign.plan_lines").after)
    with pytest.raises(ValidationError, match="已列入"):
        services.make_plan_lines(actor=w["boss"], campaign=campaign, month=9)
    task = SamplingTask.objects.create(line=lines[0], station=w["station"], region_id="370725001",
                                       category="catering", month=year * 100 + 9, batches=1)  # fmt: skip
    sample = make_result(w, product="麻辣小龙虾", published=timezone.now())
    sample.task = task
    sample.save(update_fields=["task"])
    page = Client().get(reverse("sampling:public_campaign", args=[campaign.pk])).content.decode()
    assert "麻辣小龙虾" in page and "入选" in page


def test_staff_pages_create_and_run_a_campaign(station_world):
    client = Client()
    client.force_login(station_world["boss"])
    response = client.post(reverse("sampling:campaigns"), {"title": "秋季你点我检", "region": "370725",
                                                            "opens_at": "2026-09-01T08:00",
                                                            "closes_at": "2026-09-30T18:00", "winners": "3"})  # fmt: skip
    c = Campaign.objects.get(title="秋季你点我检")
    assert response.status_code == 302 and c.status == Campaign.Status.DRAFT
    client.post(reverse("sampling:campaign_action", args=[c.pk]), {"action": "open"})
    c.refresh_from_db()
    assert c.status == Campaign.Status.VOTING
    bad = client.post(reverse("sampling:campaigns"), {"title": "", "region": "370725"})
    assert bad.status_code == 422 and "请填写活动名称" in bad.content.decode()
