"""包保 changes (docs/domain.md §4.5): detected from the registry, each with its report and reassignment deadlines from the
SLA clock (deadline rules baobao.status_report and baobao.reassign), settled when a published run answers them."""

import datetime
import operator
from functools import reduce

from django.db import transaction
from django.db.models import Exists, IntegerField, OuterRef, Q, Value
from django.utils import timezone

from shian.core import audit
from shian.core.bulk import chunked
from shian.core.jurisdiction import narrow_to, region_under
from shian.core.models import DeadlineRule
from shian.core.permissions import require_perm
from shian.core.regioncodes import prefixes
from shian.core.workdays import compute_due
from shian.entities.models import Entity, baobao_grade

from .. import grading
from ..models import Assignment, AssignmentRun, Change, Guarantee, Policy
from .scope import scope_region

REPORT_RULE, REASSIGN_RULE = "baobao.status_report", "baobao.reassign"


class ChangeDeadlines:
    """compute_due once per (rule, start, rule regions that apply) instead of once per change: a first detection
    over a province records up to a million changes that share a few rules and start days."""

    def __init__(self):
        rules = DeadlineRule.objects.filter(code__in=[REPORT_RULE, REASSIGN_RULE])
        self.prefixes = set(rules.values_list("region_prefix", flat=True))
        self.cache = {}

    def due(self, rule_code: str, start: datetime.datetime, region_code: str):
        key = (rule_code, start, tuple(sorted(p for p in self.prefixes if region_code.startswith(p))))
        if key not in self.cache:
            self.cache[key] = compute_due(rule_code=rule_code, start=start, region_code=region_code)
        return self.cache[key]

    def change(self, *, kind, region_id: str, occurred_on: datetime.date, now, entity_id=None, cadre_id=None):
        """An unsaved change: the report is counted from the day it happened, the reassignment from `now`, when
        the system learned of it."""
        report = self.due(REPORT_RULE, datetime.datetime.combine(occurred_on, datetime.time.min), region_id)
        reassign = self.due(REASSIGN_RULE, now, region_id)
        return Change(
            kind=kind,
            entity_id=entity_id,
            cadre_id=cadre_id,
            region_id=region_id,
            occurred_on=occurred_on,
            recorded_at=now,
            report_due=report.due_at,
            report_rule=report.rule,
            reassign_due=reassign.due_at,
            reassign_rule=reassign.rule,
        )


def _wrong_level(prefix: str) -> Q:
    """Guarantees whose cadre is not of the level the entity's grade calls for under the policy in force where
    the entity is: one term for the prefix's policy, one more per policy of a region inside it. For guarantees
    annotated with `entity_grade`."""
    inner = set(Policy.objects.filter(region_under(Policy, "region", prefix)).values_list("region_id", flat=True))
    inner.discard(prefix)
    terms = []
    for code in [prefix, *inner]:
        area = region_under(Guarantee, "entity__region", code)
        for deeper in inner:
            if deeper != code and deeper.startswith(code):
                area &= ~region_under(Guarantee, "entity__region", deeper)
        levels = grading.policy_for(code).level_for_grade
        mismatch = [Q(entity_grade=grade) & ~Q(cadre__level=level) for grade, level in levels.items()]
        terms.append(area & reduce(operator.or_, mismatch))
    return reduce(operator.or_, terms)


def detect_changes(*, actor, region_code: str | None = None) -> dict[str, int]:
    """Record the changes the registry shows under a region that nobody has recorded yet: graded entities that
    nobody guarantees, guaranteed entities that closed, and guaranteed entities regraded since their assignment
    so that their cadre is now of the wrong level (a fallback to a higher level is not a change). Set-based, to
    run daily over a province; one audit batch. `actor` None is the scheduler, over the whole register (or
    `region_code`)."""
    if actor is None:
        prefix = region_code or ""
    else:
        require_perm(actor, "baobao.manage_cadres")
        prefix = scope_region(actor, region_code)
    now, today = timezone.now(), timezone.localdate()
    guarantees = narrow_to(Guarantee.objects.all(), prefix, "entity__region")
    graded = guarantees.annotate(entity_grade=baobao_grade("entity__"))
    regraded = Assignment.objects.filter(run=OuterRef("run"), entity=OuterRef("entity")).exclude(
        grade=OuterRef("entity_grade")
    )
    sources = [  # (kind, rows keyed by entity id, (region, cadre, when it happened))
        (
            Change.Kind.ENTITY_NEW,
            narrow_to(Entity.objects.exclude(status=Entity.Status.DEREGISTERED), prefix)
            .annotate(grade=baobao_grade())
            .exclude(grade="")
            .filter(guarantee__isnull=True),
            ("region_id", Value(None, output_field=IntegerField()), "created_at"),  # no cadre yet
        ),
        (
            Change.Kind.ENTITY_CLOSED,
            guarantees.filter(entity__status=Entity.Status.DEREGISTERED),
            ("entity__region_id", "cadre_id", "entity__updated_at"),
        ),
        (
            Change.Kind.GRADE_CHANGED,
            graded.filter(_wrong_level(prefix)).filter(Exists(regraded)),
            ("entity__region_id", "cadre_id", "entity__grading__graded_at"),
        ),
    ]
    deadlines, counts = ChangeDeadlines(), {}
    with transaction.atomic():
        for kind, rows, fields in sources:
            recorded = Exists(Change.objects.filter(kind=kind, entity=OuterRef("pk"), resolved_at__isnull=True))
            # Ids first, in one plain fetch: through a server-side cursor PostgreSQL picks a fast-start plan that
            # probes every entity by index (ten times slower on a province); then details 5,000 at a time.
            ids = list(rows.exclude(recorded).order_by().values_list("pk", flat=True))
            counts[kind.value] = 0
            for chunk in chunked(ids):
                found = rows.filter(pk__in=chunk).order_by().values_list("pk", *fields)
                batch = [
                    deadlines.change(
                        kind=kind,
                        entity_id=entity_id,
                        cadre_id=cadre_id,
                        region_id=region_id,
                        occurred_on=timezone.localtime(when).date() if when else today,
                        now=now,
                    )
                    for entity_id, region_id, cadre_id, when in found
                ]
                counts[kind.value] += len(Change.objects.bulk_create(batch))
        audit.record(
            actor=actor,
            action="baobao.detect_changes",
            object_type="baobao.change",
            region_code=prefix,
            after={"counts": counts},
        )
    return counts


def resolve_changes(run: AssignmentRun) -> int:
    """Settle the open changes under a published run's region that its guarantees answer: new or regraded
    entities now guaranteed, closed entities no longer guaranteed, leaving cadres who now guarantee nobody (a
    city cadre's change sits above a county run, yet the run reassigns the county's part of their entities)."""
    prefix = run.region_id or ""
    pending = Change.objects.filter(resolved_at__isnull=True)
    here = narrow_to(pending, prefix)
    above = Q(region_id__in=[code for code in prefixes(prefix) if code != prefix])
    guaranteed = Exists(Guarantee.objects.filter(entity=OuterRef("entity")))
    settled = [
        here.filter(kind__in=[Change.Kind.ENTITY_NEW, Change.Kind.GRADE_CHANGED]).filter(guaranteed),
        here.filter(kind=Change.Kind.ENTITY_CLOSED).exclude(guaranteed),
        pending.filter(region_under(Change, "region", prefix) | above, kind=Change.Kind.CADRE_LEFT).exclude(
            Exists(Guarantee.objects.filter(cadre=OuterRef("cadre")))
        ),
    ]
    return sum(qs.update(resolved_at=run.published_at, resolved_by_run=run) for qs in settled)
