"""The matrix world's credit objects (docs/credit.md): `add_*` functions (see world.py for `Instance`)."""


def add_all(w, users) -> None:
    """A credit rating, an insurance policy and a correction request (with its file) at each position's business
    (kind "credit_correction"; the file pages use the world's "entity_id")."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from shian.credit.models import CorrectionRequest, CreditRating, InsurancePolicy
    from shian.entities.models import License

    from .world import MARKERS, Instance, w_admin

    now = timezone.now()
    today = timezone.localdate()
    for n, (pos, entity) in enumerate(w.entities.items(), 1):
        m = MARKERS[pos]
        staff = w_admin(entity.region_id[:6])
        CreditRating.objects.create(entity=entity, points=80, band="B", computed_at=now,
                                    events=[{"kind": "penalty", "label": f"{m}行政处罚", "day": today.isoformat(),
                                             "n": 1, "points": -15.0}])  # fmt: skip
        InsurancePolicy.objects.create(entity=entity, region_id=entity.region_id, insurer=f"{m}保险公司",
                                       number=f"POL-MATRIX-{n}", starts_on=today, ends_on=today, cover=100000,
                                       created_by=staff)  # fmt: skip
        licence = License.objects.filter(entity=entity).first()
        submitter = next((u for u in users.values() if u is not None and u.entity_id == entity.pk), None)
        if submitter is None:
            from shian.accounts.models import User

            submitter = User.objects.filter(entity=entity).first() or staff
        request = CorrectionRequest(
            entity=entity, region_id=entity.region_id, kind="license", record_id=licence.pk,
            record_text=f"{m}许可证", reason=f"{m}更正理由", submitted_by=submitter, submitted_at=now,
            attachment_name=f"{m}材料.pdf", attachment_type="application/pdf",
        )  # fmt: skip
        request.attachment.save(f"matrix-credit-{pos}.pdf", ContentFile(b"%PDF-1.4 matrix"), save=False)
        request.save()
        w.objects.setdefault("credit_correction", []).append(
            Instance(pos, {"pk": request.pk}, entity.region_id, entity.pk)
        )


EXTENSIONS = [add_all]
