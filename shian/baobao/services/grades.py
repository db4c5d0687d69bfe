"""包保 grading: every entity graded by its county's policy in one audited batch; manual overrides with a reason."""

import json
from bisect import bisect_right

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core import audit
from shian.core.bulk import insert_rows, update_rows
from shian.core.jurisdiction import narrow_to, require_in_scope
from shian.core.permissions import require_perm
from shian.core.regioncodes import COUNTY, ancestor
from shian.entities.models import Entity

from .. import grading
from ..models import EntityGrade, Policy
from .scope import scope_region


def grade_entities(*, actor, region_code: str | None = None) -> dict[str, int]:
    """Grade every active entity under the region by its county's policy; overrides stand. One audit batch.

    Set-based for a province (docs/performance.md): one read of the entities with their current grading, each
    distinct (policy, fields) evaluated once, and only what changed is written: new gradings inserted, changed
    ones updated (their `graded_at` moves, so it says when the grade last changed). The grade lives on the
    grading alone, so the entity table is never written. A re-grade of an unchanged region writes nothing but
    its audit entry."""
    require_perm(actor, "baobao.manage_cadres")
    prefix = scope_region(actor, region_code)
    entities = narrow_to(Entity.objects.exclude(status=Entity.Status.DEREGISTERED), prefix)
    # the previous rules fired as the stored JSON text: parsed once per distinct text, not once per row
    read = entities.order_by().annotate(old_fired=Cast("grading__fired", TextField())).values_list(
        "pk", "region_id", "grading__computed_grade", "grading__policy_id",
        "grading__override_grade", "old_fired", *grading.ENTITY_FIELDS,
    )  # fmt: skip
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # a county's policy with its diners and area thresholds, and the same by region (looked up once per region)
    policies: dict[str, tuple[Policy, list, list]] = {}
    by_region: dict[str, tuple[Policy, list, list]] = {}
    outcomes: dict[tuple, tuple[str, list, str]] = {}
    parsed: dict[str, list] = {}
    new, changed = [], []
    counts = dict.fromkeys(grading.GRADES, 0)
    for pk, region_id, old_grade, old_policy, override, old_text, *values in read.iterator(chunk_size=10_000):
        found = by_region.get(region_id)
        if found is None:
            county = ancestor(region_id, COUNTY)
            if county not in policies:
                policy = grading.policy_for(county)
                policies[county] = (policy, *grading.thresholds(policy.grade_rules))
            found = by_region[region_id] = policies[county]
        policy, diners_at, area_at = found
        # the rules read diners and area only against their thresholds: rows between the same thresholds share
        # one outcome (a province has ~160k distinct value sets but a few hundred outcomes)
        raw = tuple(values)
        diners, area = values[_DINERS], values[_AREA]
        values[_DINERS] = -1 if diners is None else bisect_right(diners_at, diners)
        values[_AREA] = -1 if area is None else bisect_right(area_at, area)
        key = (policy.pk, *values)
        outcome = outcomes.get(key)
        if outcome is None:
            grade, fired = grading.evaluate(policy.grade_rules, dict(zip(grading.ENTITY_FIELDS, raw, strict=True)))
            outcome = outcomes[key] = (grade, fired, json.dumps(fired, ensure_ascii=False))
        grade, fired, fired_json = outcome
        effective = override or grade
        if old_policy is None:
            new.append((pk, grade, effective, fired_json, policy.pk, "", "", None, now))
        elif old_grade != grade or old_policy != policy.pk or _parsed(parsed, old_text) != fired:
            changed.append((pk, grade, effective, fired_json, policy.pk, now))
        counts[effective] += 1
    with transaction.atomic():
        insert_rows(EntityGrade, GRADING_COLUMNS, new)
        update_rows(EntityGrade, "entity_id", ["computed_grade", "grade", "fired", "policy_id", "graded_at"], changed)
        audit.record(
            actor=actor,
            action="baobao.grade",
            object_type="entities.entity",
            region_code=prefix,
            after={"counts": counts, "policies": sorted({p.pk for p, *_thresholds in policies.values()})},
        )
    return counts


_DINERS, _AREA = grading.ENTITY_FIELDS.index("diners"), grading.ENTITY_FIELDS.index("floor_area")


def _parsed(memo: dict, text: str | None):
    if text not in memo:
        memo[text] = None if text is None else json.loads(text)
    return memo[text]


GRADING_COLUMNS = ["entity_id", "computed_grade", "grade", "fired", "policy_id", "override_grade",
                   "override_reason", "overridden_by_id", "graded_at"]  # fmt: skip


@transaction.atomic
def override_grade(*, actor, entity: Entity, grade: str, reason: str) -> EntityGrade:
    """A manual grade needs a reason; it stands through later gradings until cleared (grade "")."""
    require_perm(actor, "baobao.manage_cadres")
    require_in_scope(actor, entity.region_id)
    if grade and grade not in grading.GRADES:
        raise ValidationError({"grade": [_("包保等级应为 A、B、C、D 之一。")]})
    if grade and not (reason or "").strip():
        raise ValidationError({"reason": [_("人工调整等级须填写理由。")]})
    record = EntityGrade.objects.filter(entity=entity).first()
    if record is None:
        policy = grading.policy_for(entity.region_id)
        computed, fired = grading.evaluate(policy.grade_rules, {f: getattr(entity, f) for f in grading.ENTITY_FIELDS})
        record = EntityGrade(entity=entity, computed_grade=computed, fired=fired, policy=policy)
        record.grade = entity.declared_grade
    before = {"grade": record.grade, "override_reason": record.override_reason}
    record.override_grade, record.override_reason = grade, (reason or "").strip() if grade else ""
    record.overridden_by = actor if grade else None
    record.save()  # sets the grade in force
    after = {"grade": record.grade, "override_reason": record.override_reason}
    audit.record(
        actor=actor,
        action="baobao.grade_override",
        obj=entity,
        region_code=entity.region_id,
        before=before,
        after=after,
    )
    return record
