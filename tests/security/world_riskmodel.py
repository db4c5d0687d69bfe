"""The matrix world's risk-model objects (docs/riskmodel.md): a model version in use and a score of each position's
business (its reasons name nothing personal; the pages print the business's name, which the matrix checks)."""


def add_all(w, users) -> None:
    from django.utils import timezone

    from shian.riskmodel.features import CODES
    from shian.riskmodel.models import EntityScore, ModelVersion

    now = timezone.now()
    n = len(CODES)
    model = ModelVersion.objects.create(
        version="v-matrix", cutoff=timezone.localdate(), features=list(CODES), means=[0.0] * n, scales=[1.0] * n,
        coefficients=[0.1] * n, intercept=-2.0, rows=100, positives=10, auc=0.7, baseline_auc=0.6,
        trained_at=now, in_use=True,
    )  # fmt: skip
    for i, entity in enumerate(w.entities.values()):
        EntityScore.objects.create(model=model, entity=entity, region_id=entity.region_id, probability=0.1 + i / 10,
                                   reasons=[["last_key_failed", 0.5]], scored_at=now)  # fmt: skip


EXTENSIONS = [add_all]
