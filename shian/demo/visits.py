"""Demo supervision visits: last quarter mostly done, this quarter under way, with problems at every stage, so
the coverage page, the problem ledger and a cadre's list open on something real. Idempotent per county."""

import datetime
import random
import uuid

from django.db import transaction
from django.utils import timezone

from shian.accounts.models import User
from shian.baobao.models import Guarantee
from shian.core import audit
from shian.core.periods import previous_quarter, quarter_bounds, quarter_of
from shian.core.workdays import compute_due
from shian.regions.models import Region
from shian.visits.models import Answer, Problem, ProblemEvent, Visit
from shian.visits.services import RECTIFY_RULE, current_checklist

SHARE_PREVIOUS, SHARE_CURRENT, FAIL_RATE = 0.92, 0.55, 0.02
NOTES = ["记录不全", "未按要求公示", "部分原料无票据", "地面有积水", "消毒记录缺失", "健康证过期"]


@transaction.atomic
def load_county_visits(*, county: Region, seed: int, today: datetime.date) -> int:
    """Visits by each guaranteeing cadre (signed in their name), answers per checklist item, problems for 不符合."""
    guarantees = Guarantee.objects.filter(entity__region__code__startswith=county.code).select_related(
        "entity", "cadre", "cadre__user"
    )
    if Visit.objects.filter(region__code__startswith=county.code).exists() or not guarantees.exists():
        return 0
    rng = random.Random(f"{seed}:visits:{county.code}")
    current = quarter_of(today)
    checklists: dict[str, object] = {}
    visits, answer_rows, failed = [], [], []
    for guarantee in guarantees.order_by("pk"):
        entity = guarantee.entity
        kind_key = f"{entity.business_type}:{entity.sub_type}:{entity.region_id[:6]}"
        checklist = checklists.get(kind_key) or checklists.setdefault(kind_key, current_checklist(entity))
        for quarter, share in ((previous_quarter(current), SHARE_PREVIOUS), (current, SHARE_CURRENT)):
            if rng.random() > share:
                continue
            start, end = quarter_bounds(quarter)
            end = min(end, today)
            day = start + datetime.timedelta(days=rng.randrange(max((end - start).days, 1)))
            started = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9 + rng.randrange(8), 0)))
            minutes = rng.choice([2, 15, 20, 25, 30, 40, 45]) if rng.random() < 0.9 else 2
            visit = Visit(
                client_key=uuid.UUID(int=rng.getrandbits(128)), entity=entity, cadre=guarantee.cadre,
                region_id=entity.region_id, checklist=checklist, started_at=started,
                signed_at=started + datetime.timedelta(minutes=minutes), visited_on=day, quarter=quarter,
                review_reasons=["short"] if minutes < 3 else [], needs_review=minutes < 3,
                signer_name=guarantee.cadre.name, mode=Visit.Mode.ON_SITE,
            )  # fmt: skip
            visits.append(visit)
            for item in checklist.items.all():
                fail = rng.random() < FAIL_RATE
                answer = Answer(
                    visit=visit, item=item, result="fail" if fail else "pass", note=rng.choice(NOTES) if fail else ""
                )
                answer_rows.append(answer)
                if fail:
                    failed.append((visit, item, answer))
                    visit.problem_count += 1
    return _save(county, visits, answer_rows, failed, rng, today)


def _save(county, visits, answers, failed, rng, today) -> int:
    signer = User.objects.filter(is_superuser=True).order_by("pk").first()
    for visit in visits:
        visit.signed_by = visit.cadre.user or signer
    Visit.objects.bulk_create(visits, batch_size=2000)
    for answer in answers:
        answer.visit_id = answer.visit.pk
    Answer.objects.bulk_create(answers, batch_size=5000)
    problems, events = [], []
    for visit, item, answer in failed:
        due = compute_due(rule_code=RECTIFY_RULE[item.severity], start=visit.signed_at, region_code=visit.region_id)
        state = rng.random()
        closed = due.due_at.date() < today and state < 0.8
        problem = Problem(
            visit=visit, item=item, entity_id=visit.entity_id, cadre_id=visit.cadre_id, region_id=visit.region_id,
            description=f"{item.text}：{answer.note}", severity=item.severity, found_on=visit.visited_on,
            due_at=due.due_at, due_rule=due.rule,
            status=Problem.Status.CLOSED if closed else (Problem.Status.SUBMITTED if state < 0.9 else Problem.Status.OPEN),
            closed_at=due.due_at - datetime.timedelta(days=1) if closed else None,
        )  # fmt: skip
        problems.append(problem)
    Problem.objects.bulk_create(problems, batch_size=2000)
    for problem in problems:
        if problem.status != Problem.Status.OPEN:
            events.append(ProblemEvent(problem=problem, kind=ProblemEvent.Kind.EVIDENCE, note="已整改，附整改照片"))
        if problem.status == Problem.Status.CLOSED:
            events.append(ProblemEvent(problem=problem, kind=ProblemEvent.Kind.CLOSED, note="现场核验通过"))
    ProblemEvent.objects.bulk_create(events, batch_size=2000)
    audit.record(
        actor=None, action="demo.visits", object_type="visits.visit", region_code=county.code,
        after={"visits": len(visits), "answers": len(answers), "problems": len(problems)},
    )  # fmt: skip
    return len(visits)
