"""Demo surveys (docs/surveys.md): two completed rounds in the demo county — satisfaction and awareness, each with
the default questionnaire, a plan stratified by township population (the registry's, or a synthetic one where the
registry has none) at ±3 %, and a few thousand responses spread over the townships (about a third door to door, the
rest from the public form with synthetic phones kept as keyed hashes), bulk-created. One township falls below the
satisfaction line, so the results page shows a 未达标 row."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from shian.accounts.models import Role, User
from shian.core import phonecodes
from shian.regions.models import Region
from shian.surveys.models import Response, Survey
from shian.surveys.services import responses as response_services
from shian.surveys.services import surveys as services

MARGIN_PERMILLE = 30


def _actor(county: Region) -> User | None:
    return (
        User.objects.filter(role=Role.COUNTY_ADMIN, region=county, is_active=True).order_by("pk").first()
        or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    )


def _round(*, actor, county: Region, kind: str, start: datetime.date, rng: random.Random, low_town: str) -> int:
    data = services.default_questionnaire(kind)
    survey = services.create_survey(actor=actor, region_code=county.code, kind=kind, title=f"{start.year}年{data['title']}",
                                    period_start=start, period_end=start + datetime.timedelta(days=30),
                                    questions=data["questions"], margin_permille=MARGIN_PERMILLE)  # fmt: skip
    towns = list(
        Region.objects.filter(parent=county, level=Region.Level.TOWNSHIP, valid_to__isnull=True).order_by("code")
    )
    pops = {t.code: t.population or rng.randint(15000, 70000) for t in towns}
    strata = services.make_plan(actor=actor, survey=survey, populations=pops)
    services.set_status(actor=actor, survey=survey, status=Survey.Status.OPEN)
    questions = services.default_questionnaire(kind)["questions"]
    at = timezone.make_aware(datetime.datetime.combine(start, datetime.time(9)))
    rows, phone = [], 0
    for stratum in strata:
        bias = -0.25 if stratum.township_id == low_town else 0.0
        for _ in range(int(stratum.quota * rng.uniform(0.85, 1.15))):
            answers, values = {}, []
            for qi, q in enumerate(questions, 1):
                if kind == Survey.Kind.SATISFACTION:
                    weights = [0.55 + bias, 0.30, 0.10 - bias / 2, 0.03 - bias / 4, 0.02 - bias / 4]
                    oi = rng.choices(range(len(q["options"])), weights=[max(w, 0.01) for w in weights])[0]
                    values.append(q["options"][oi]["score"])
                else:
                    right = next(i for i, o in enumerate(q["options"]) if o.get("correct"))
                    oi = right if rng.random() < 0.88 else rng.randrange(len(q["options"]))
                    values.append(100 * (oi == right))
                answers[str(qi)] = oi + 1
            interview = rng.random() < 0.35
            phone += 1
            rows.append(Response(
                survey=survey, township_id=stratum.township_id, answers=answers, score=sum(values) / len(values),
                mode=Response.Mode.INTERVIEW if interview else Response.Mode.PUBLIC,
                interviewer=actor if interview else None,
                phone_hash="" if interview else phonecodes.phone_digest(response_services.purpose(survey), f"139{phone:08d}"),
                created_at=at + datetime.timedelta(minutes=rng.randrange(30 * 24 * 60)),
            ))  # fmt: skip
    Response.objects.bulk_create(rows, batch_size=2000)
    services.set_status(actor=actor, survey=survey, status=Survey.Status.CLOSED)
    return len(rows)


def load_surveys(*, county: Region, seed: int, today: datetime.date) -> dict[str, int]:
    actor = _actor(county)
    if actor is None or Survey.objects.filter(region=county).exists():
        return {}
    towns = list(
        Region.objects.filter(parent=county, level=Region.Level.TOWNSHIP)
        .order_by("code")
        .values_list("code", flat=True)
    )
    if not towns:
        return {}
    rng = random.Random(f"{seed}:surveys:{county.code}")
    low_town = rng.choice(towns)
    start = (today.replace(day=1) - datetime.timedelta(days=75)).replace(day=1)
    with transaction.atomic():
        made = {"satisfaction": _round(actor=actor, county=county, kind=Survey.Kind.SATISFACTION, start=start, rng=rng,
                                       low_town=low_town),
                "awareness": _round(actor=actor, county=county, kind=Survey.Kind.AWARENESS, start=start, rng=rng,
                                    low_town=low_town)}  # fmt: skip
    return made
