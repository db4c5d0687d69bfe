"""The matrix world's risk warnings (docs/warnings.md): at each position's place a warning raised by the seeded
failed-samples rule (kind "risk_warning", labelled with the position's marker), and the rule itself ("warning_rule",
configuration every regulator may read)."""


def add_all(w, users) -> None:
    from django.utils import timezone

    from shian.warnings.models import RiskWarning, WarningRule

    from .world import MARKERS, Instance

    now = timezone.now()
    rule = WarningRule.objects.get(code="samples_fail_cluster", is_current=True)
    for pos, entity in w.entities.items():
        m, place = MARKERS[pos], entity.region_id
        warning = RiskWarning.objects.create(
            rule=rule, rule_code=rule.code, level=rule.level, scope_key=f"entity:{entity.pk}", label=f"{m}预警",
            region_id=place, office_id=place[:6], entity=entity, raised_at=now, last_seen_at=now, step_due=now,
            evidence=[{"model": "entities.entity", "pk": entity.pk, "label": f"{m}触发记录"}],
        )  # fmt: skip
        w.objects.setdefault("risk_warning", []).append(Instance(pos, {"pk": warning.pk}, place, entity.pk))
    w.objects["warning_rule"] = [Instance("any", {"code": "samples_fail_cluster"}, None)]


EXTENSIONS = [add_all]
