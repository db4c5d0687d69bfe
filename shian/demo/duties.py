"""Demo enterprise duties: the last two weeks of 日管控 (each business more or less diligent), last week's
周排查 and last month's 月调度, so the oversight page opens on figures. Idempotent per county."""

import datetime
import random

from django.db import transaction

from shian.accounts.models import User
from shian.core import audit
from shian.core.bulk import insert_many
from shian.duties.models import DailyCheck, MonthlyMeeting, WeeklyReport
from shian.duties.selectors import monday
from shian.entities.models import Entity
from shian.regions.models import Region

from .names import person_name

DAYS = 14
ISSUES = [
    ("原料贮存", "冷藏柜温度偏高", "已调整温控"),
    ("环境卫生", "后厨地面有积水", "已清理"),
    ("临期过期", "一批面包临期", "已下架"),
]


@transaction.atomic
def load_county_duties(*, county: Region, seed: int, today: datetime.date) -> int:
    entities = Entity.objects.filter(region__code__startswith=county.code, status=Entity.Status.OPERATING)
    if DailyCheck.objects.filter(region__code__startswith=county.code).exists() or not entities.exists():
        return 0
    rng = random.Random(f"{seed}:duties:{county.code}")
    clerk = User.objects.filter(is_superuser=True).order_by("pk").first()
    owners = dict(User.objects.filter(entity__in=entities).values_list("entity_id", "pk"))
    daily, weekly, monthly = [], [], []
    last_week, last_month = (
        monday(today) - datetime.timedelta(days=7),
        (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1),
    )
    for entity_id, region_id in entities.values_list("pk", "region_id").order_by("pk"):
        diligence = rng.choice([0.2, 0.6, 0.85, 0.95, 1.0, 1.0])
        by = owners.get(entity_id, clerk.pk)
        name = person_name(rng)
        common = {"entity_id": entity_id, "region_id": region_id}
        for offset in range(1, DAYS + 1):
            if rng.random() < diligence:
                issue = rng.choice(ISSUES) if rng.random() < 0.05 else None
                issues = [{"area": issue[0], "issue": issue[1], "fix": issue[2]}] if issue else []
                daily.append(DailyCheck(**common, day=today - datetime.timedelta(days=offset), all_clear=not issues,
                                        issues=issues, checked_by_id=by, checker_name=name))  # fmt: skip
        if rng.random() < diligence:
            weekly.append(WeeklyReport(**common, week=last_week, days_checked=5, issues_found=0, conclusion="本周食品安全状况良好。",
                                       reported_by_id=by, reporter_name=name))  # fmt: skip
        if rng.random() < diligence:
            monthly.append(MonthlyMeeting(**common, month=last_month, held_on=last_month + datetime.timedelta(days=24),
                                          chair=person_name(rng), attendees="主要负责人、食品安全总监、食品安全员",
                                          issues="本月日管控、周排查按要求开展，未发现重大风险隐患。",
                                          decisions="继续落实日管控，做好节假日食品安全保障。", recorded_by_id=by))  # fmt: skip
    for model, rows in ((DailyCheck, daily), (WeeklyReport, weekly), (MonthlyMeeting, monthly)):
        insert_many(model, rows)
    audit.record(
        actor=None, action="demo.duties", object_type="duties.dailycheck", region_code=county.code,
        after={"daily": len(daily), "weekly": len(weekly), "monthly": len(monthly), "seed": seed},
    )  # fmt: skip
    return len(daily)
