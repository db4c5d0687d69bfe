"""Reads of 你点我检 campaigns and rapid-test rooms (docs/sampling.md §5): the public's view (campaigns past the
draft, approved proposals with their votes, published results of the winners' samples) and the staff's scoped
lists."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from shian.core.jurisdiction import get_in_scope, narrow_to, scope_queryset

from ..models import Campaign, RapidTest, RapidTestRoom, Sample

PUBLIC_STATUSES = (Campaign.Status.VOTING, Campaign.Status.CLOSED, Campaign.Status.DONE)


def public_campaigns() -> QuerySet[Campaign]:
    return Campaign.objects.filter(status__in=PUBLIC_STATUSES).select_related("region").order_by("-opens_at", "-pk")


def public_campaign(pk: int) -> Campaign:
    """A campaign the public may see (not a draft), or Http404."""
    return get_object_or_404(public_campaigns(), pk=pk)


def proposals_with_votes(campaign: Campaign):
    return campaign.proposals.filter(approved=True).annotate(n_votes=Count("votes")).order_by("-n_votes", "id")


def winner_results(campaign: Campaign) -> QuerySet[Sample]:
    """Published results of the samples taken for the campaign's plan lines."""
    return (
        Sample.objects.filter(task__line__campaign=campaign, published_at__isnull=False)
        .exclude(conclusion="")
        .select_related("entity")
        .only("id", "product", "conclusion", "report_date", "entity__name", "producer_name", "category")
        .order_by("-published_at", "-pk")
    )


def staff_campaigns(*, user, region_code: str | None = None) -> QuerySet[Campaign]:
    qs = scope_queryset(Campaign.objects.select_related("region"), user)
    return narrow_to(qs, region_code).annotate(n_votes=Count("votes", distinct=True),
                                               n_pending=Count("proposals", filter=Q(proposals__approved=False),
                                                               distinct=True))  # fmt: skip


def campaign_get(*, user, pk: int) -> Campaign:
    return get_in_scope(Campaign.objects.select_related("region"), user, pk=pk)


# -- rapid-test rooms ------------------------------------------------------------------------------------------


def rooms(*, user, region_code: str | None = None) -> QuerySet[RapidTestRoom]:
    qs = scope_queryset(RapidTestRoom.objects.select_related("station"), user, field="station__region")
    return narrow_to(qs, region_code, field="station__region").order_by("station__code", "name")


def room_get(*, user, pk: int) -> RapidTestRoom:
    return get_in_scope(RapidTestRoom.objects.select_related("station"), user, field="station__region", pk=pk)


def room_day(room: RapidTestRoom, day: datetime.date) -> QuerySet[RapidTest]:
    return room.tests.filter(day=day).select_related("entity", "tester").order_by("id")
