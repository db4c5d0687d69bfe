"""Demo risk warnings (docs/warnings.md): a burst in the demo county, three failed samples of one category in one
township within a week and four complaints about one restaurant within a fortnight, then the rules run over the
whole county (the year of demo records raises its own warnings too); a few warnings are then taken through their
steps so the list shows every state: one acknowledged, one under investigation, one closed with a finding.
The burst's records are written directly (their own modules' demos go through the services); the warnings go
through shian.warnings' services. Idempotent per county; seeded.

`load_warnings(county=, seed=, today=)` returns what it made ({} when the county already has warnings or has no
station account to act as)."""

import datetime
import random

from django.utils import timezone

from shian.accounts.models import Role, User
from shian.complaints.models import Complaint
from shian.core.jurisdiction import region_under
from shian.entities.models import Entity
from shian.regions.models import Region
from shian.sampling.models import Sample
from shian.warnings.models import RiskWarning
from shian.warnings.services import steps
from shian.warnings.services.run import run

BURST_SAMPLES = 3
BURST_COMPLAINTS = 4


def load_warnings(*, county: Region, seed: int, today: datetime.date) -> dict[str, int]:
    if RiskWarning.objects.filter(region_under(RiskWarning, "region", county.code)).exists():
        return {}
    rng = random.Random(f"warnings-{seed}")
    entities = list(Entity.objects.filter(region_under(Entity, "region", county.code), status=Entity.Status.OPERATING,
                                          region__level__gte=4).order_by("pk")[:400])  # fmt: skip
    if not entities:
        return {}
    now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(9)))
    shop = rng.choice(entities)
    township = shop.region_id[:9]
    near = [e for e in entities if e.region_id.startswith(township)]
    author = User.objects.filter(region_under(User, "region", county.code), is_active=True,
                                 role=Role.STATION_STAFF).order_by("pk").first()  # fmt: skip
    if author is None:
        return {}
    for n in range(BURST_SAMPLES):
        entity = near[n % len(near)]
        when = now - datetime.timedelta(days=n * 2 + 1)
        Sample.objects.create(
            number=f"YJ{county.code}{today:%Y%m%d}{n:02d}", entity=entity, region_id=entity.region_id,
            category="condiment", product="散装辣椒酱", quantity="6瓶", sampled_at=when, to_lab_due=when,
            created_by=author, status=Sample.Status.REPORTED, conclusion=Sample.Conclusion.FAIL, report_date=today,
        )  # fmt: skip
    for n in range(BURST_COMPLAINTS):
        when = now - datetime.timedelta(days=n * 3 + 1)
        Complaint.objects.create(
            number=f"YJTS{county.code}{today:%Y%m%d}{n:02d}", kind=Complaint.Kind.COMPLAINT, channel="hotline",
            region_id=shop.region_id, entity=shop, facts="就餐后腹泻", received_at=when, informant_name="王小明",
            phone="13812345678",
        )  # fmt: skip
    made = run(at=now, prefix=county.code)
    handler = User.objects.filter(region_under(User, "region", county.code), is_active=True,
                                  role=Role.COUNTY_ADMIN).order_by("pk").first() or author  # fmt: skip
    open_ = list(RiskWarning.objects.filter(region_under(RiskWarning, "region", county.code)).order_by("pk")[:3])
    for n, warning in enumerate(open_):
        warning = steps.acknowledge(actor=handler, warning=warning)
        if n >= 1:
            warning = steps.investigate(actor=handler, warning=warning)
        if n == 2:
            steps.close(actor=handler, warning=warning, finding="已现场核查，涉事批次已下架并立案调查。")
    return made | {"handled": len(open_)}
