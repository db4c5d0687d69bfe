"""Give the demo county a past: a register built up over years, guarantees in force since the year began and
most cadres' 承诺书 confirmed, so the dashboard's week-on-week figures and as-of counts mean something.
Generated rows get `created_at = now`; this spreads them back in time, once (a second run changes nothing)."""

import datetime
import random
from collections import defaultdict

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from shian.accounts.models import User
from shian.baobao.models import Cadre, Commitment, Guarantee
from shian.entities.models import Entity
from shian.regions.models import Region

RECENT_SHARE = 0.01  # entities registered in the last two weeks
CONFIRMED_SHARE = 0.85  # cadres without a login who confirmed this year's 承诺书


def _moment(day: datetime.date, rng: random.Random) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(8, 17), rng.randint(0, 59))))


@transaction.atomic
def backdate_county(*, county: Region, seed: int, today: datetime.date) -> int:
    """Spread the county's entities' registration over five years (a few in the last two weeks), start their
    guarantees with the year (or the day after a recent registration) and confirm most cadres' commitments.
    Returns the entities moved; 0 when the county already has a past."""
    entities = Entity.objects.filter(region__code__startswith=county.code)
    if entities.filter(created_at__date__lt=today - datetime.timedelta(days=30)).exists():
        return 0
    rng = random.Random(f"{seed}:{county.code}:history")
    year_start = datetime.date(today.year, 1, 1)
    by_day: dict[datetime.date, list[int]] = defaultdict(list)
    for pk in entities.order_by("pk").values_list("pk", flat=True):
        recent = rng.random() < RECENT_SHARE
        # older registrations on every 15th day: a few hundred UPDATEs rather than one per calendar day
        back = rng.randint(1, 13) if recent else 15 * rng.randint(3, 5 * 365 // 15)
        by_day[today - datetime.timedelta(days=back)].append(pk)
    for day, pks in by_day.items():
        entities.filter(pk__in=pks).update(created_at=_moment(day, rng))
        since = max(day + datetime.timedelta(days=1), year_start) if day >= year_start else year_start
        Guarantee.objects.filter(entity_id__in=pks).update(since=min(since, today))
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    # each guaranteeing cadre's entity count in one grouped query (plain lists: the tables were just written,
    # so the planner has no statistics for a nested IN); cadres with a login (the demo `cadre`) are left to
    # confirm their 承诺书 themselves
    counts = dict(
        Guarantee.objects.filter(entity__region__code__startswith=county.code)
        .values_list("cadre")
        .annotate(n=Count("pk"))
        .values_list("cadre", "n")
    )
    with_login = set(Cadre.objects.filter(pk__in=list(counts), user__isnull=False).values_list("pk", flat=True))
    Commitment.objects.bulk_create(
        [
            Commitment(
                cadre_id=pk, year=today.year, confirmed_by=admin, entity_count=counts.get(pk, 0),
                confirmed_at=_moment(year_start + datetime.timedelta(days=rng.randint(5, 80)), rng),
            )
            for pk in sorted(counts)
            if pk not in with_login and rng.random() < CONFIRMED_SHARE
        ],
        ignore_conflicts=True,
    )  # fmt: skip
    return sum(len(p) for p in by_day.values())
