"""The matrix world's notices objects (docs/notices.md): a delivered notice to each position's business from its
county's commission, replied with one attachment (kinds "notice" and "notice_attachment")."""


def add_all(w, users) -> None:
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from shian.core.regioncodes import COUNTY, ancestor
    from shian.notices.models import Notice, NoticeAttachment, NoticeType

    from .world import MARKERS, Instance, w_admin

    now = timezone.now()
    kind = NoticeType.objects.get(region_prefix="", code="reminder")
    for n, (pos, entity) in enumerate(w.entities.items(), 1):
        m = MARKERS[pos]
        county = ancestor(entity.region_id, COUNTY)
        notice = Notice.objects.create(
            notice_type=kind, type_title=kind.title, grade=kind.grade, issuer_region_id=county,
            region_id=entity.region_id, recipient_kind=Notice.Recipient.ENTITY, entity=entity,
            recipient_name=entity.name, subject=f"{m}事由", facts=f"{m}问题", requirement=f"{m}要求",
            status=Notice.Status.DELIVERED, created_at=now, number=f"食安办函〔2026〕{n}号", year=2026, seq=n,
            issued_at=now, delivered_at=now, delivery_method=Notice.Delivery.SYSTEM,
            reply_due=now + datetime.timedelta(days=14), due_rule={"code": "notices.type:reminder", "amount": 10},
        )  # fmt: skip
        w.objects.setdefault("notice", []).append(Instance(pos, {"pk": notice.pk}, entity.region_id, entity.pk))
        stored = NoticeAttachment(notice=notice, name=f"{m}答复.txt", content_type="text/plain", size=5,
                                  uploaded_by=w_admin(county))  # fmt: skip
        stored.file.save(f"matrix-notice-{pos}.txt", ContentFile(b"hello"), save=False)
        stored.save()
        w.objects.setdefault("notice_attachment", []).append(
            Instance(pos, {"pk": stored.pk}, entity.region_id, entity.pk)
        )


EXTENSIONS = [add_all]
