"""包保 grading: every entity graded by its county's policy in one audited batch; manual overrides with a reason."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shian.core import audit
from shian.core.bulk import chunked
from shian.core.jurisdiction import narrow_to, require_in_scope
from shian.core.permissions import require_perm
from shian.entities.models import Entity

from .. import grading
from ..models import EntityGrade, Policy
from .scope import scope_region


def grade_entities(*, actor, region_code: str | None = None) -> dict[str, int]:
    """Grade every active entity under the region by its county's policy; overrides stand. One audit batch."""
    require_perm(actor, "baobao.manage_cadres")
    prefix = scope_region(actor, region_code)
    entities = narrow_to(Entity.objects.exclude(status=Entity.Status.DEREGISTERED), prefix)
    overrides = dict(
        narrow_to(EntityGrade.objects.exclude(override_grade=""), prefix, "entity__region").values_list(
            "entity_id", "override_grade"
        )
    )
    policies: dict[str, Policy] = {}
    rows, by_grade = [], defaultdict(list)
    for values in entities.values("pk", "region_id", *grading.ENTITY_FIELDS).iterator(chunk_size=5000):
        county = values["region_id"][:6]
        policy = policies.get(county) or policies.setdefault(county, grading.policy_for(county))
        grade, fired = grading.evaluate(policy.grade_rules, values)
        rows.append(EntityGrade(entity_id=values["pk"], computed_grade=grade, fired=fired, policy=policy))
        by_grade[overrides.get(values["pk"], grade)].append(values["pk"])
    with transaction.atomic():
        EntityGrade.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["entity"],
            update_fields=["computed_grade", "fired", "policy", "graded_at"],
        )
        for grade, ids in by_grade.items():
            for chunk in chunked(ids, 20_000):
                Entity.objects.filter(pk__in=chunk).update(baobao_grade=grade)
        counts = {grade: len(by_grade.get(grade, [])) for grade in grading.GRADES}
        audit.record(
            actor=actor,
            action="baobao.grade",
            object_type="entities.entity",
            region_code=prefix,
            after={"counts": counts, "policies": sorted({p.pk for p in policies.values()})},
        )
    return counts


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
    before = {"grade": entity.baobao_grade, "override_reason": record.override_reason}
    record.override_grade, record.override_reason = grade, (reason or "").strip() if grade else ""
    record.overridden_by = actor if grade else None
    record.save()
    entity.baobao_grade = record.grade
    entity.save(update_fields=["baobao_grade", "updated_at"])
    after = {"grade": entity.baobao_grade, "override_reason": record.override_reason}
    audit.record(
        actor=actor,
        action="baobao.grade_override",
        obj=entity,
        region_code=entity.region_id,
        before=before,
        after=after,
    )
    return record
