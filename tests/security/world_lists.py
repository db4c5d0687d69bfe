"""The matrix world's lists objects (docs/lists.md): `add_*` functions (see world.py for `Instance`)."""


def add_all(w, users) -> None:
    """Per position: an edition of the business's county with the business on its black board (kinds "edition" and
    "edition_line"; own a draft, neighbour approved, township published, outside a draft), a decided case and the
    dishonesty entry it puts the business on, a pending repair application and a joint-punishment flag raised at
    the business (kinds "dishonesty_entry", "repair", "joint_flag")."""
    import datetime

    from django.utils import timezone

    from shian.cases.models import Case
    from shian.core.regioncodes import COUNTY, ancestor
    from shian.lists.models import DishonestyEntry, Edition, EditionLine, JointFlag, ListedIdentity, RepairApplication

    from .world import MARKERS, Instance, w_admin

    now = timezone.now()
    today = timezone.localdate()
    states = {"own": Edition.Status.DRAFT, "neighbour": Edition.Status.APPROVED, "township": Edition.Status.PUBLISHED,
              "outside": Edition.Status.DRAFT}  # fmt: skip
    for n, (pos, entity) in enumerate(w.entities.items(), 1):
        m = MARKERS[pos]
        county = ancestor(entity.region_id, COUNTY)
        staff = w_admin(county)
        case = Case.objects.create(
            number=f"AJLISTS-{n:05d}", region_id=entity.region_id, entity=entity, title=f"{m}处罚案件",
            opened_at=now - datetime.timedelta(days=30), created_by=staff, facts=f"{m}违法事实",
            decision_due=now + datetime.timedelta(days=60), status=Case.Status.DECIDED, decided_at=now,
            penalties=["fine"], fine_amount=1000, decision_number=f"{m}罚字1号", legal_basis=f"{m}法律依据",
        )  # fmt: skip
        edition = Edition.objects.create(
            region_id=county, number=f"矩阵第{n}期", status=states[pos],
            # a published edition is public by design (the portal lists it for anyone): its title carries no marker
            title="矩阵公开红黑榜" if states[pos] == Edition.Status.PUBLISHED else f"{m}红黑榜", drafted_by=staff,
            window_start=today - datetime.timedelta(days=90), window_end=today,
            published_at=now if states[pos] == Edition.Status.PUBLISHED else None,
        )  # fmt: skip
        line = EditionLine.objects.create(edition=edition, board="black", entity=entity, reason=f"{m}上榜理由",
                                          source_kind="cases.case", source_id=case.pk, position=1)  # fmt: skip
        w.objects.setdefault("edition", []).append(Instance(pos, {"pk": edition.pk}, county))
        w.objects.setdefault("edition_line", []).append(Instance(pos, {"pk": line.pk}, county))
        entry = DishonestyEntry.objects.create(
            entity=entity, case=case, legal_basis=f"{m}列入依据", listed_on=today - datetime.timedelta(days=400),
            ends_on=today + datetime.timedelta(days=700), created_by=staff,
        )  # fmt: skip
        w.objects.setdefault("dishonesty_entry", []).append(
            Instance(pos, {"pk": entry.pk}, entity.region_id, entity.pk)
        )
        repair = RepairApplication.objects.create(entry=entry, statement=f"{m}修复说明", applied_by=staff,
                                                  applied_at=now)  # fmt: skip
        w.objects.setdefault("repair", []).append(Instance(pos, {"pk": repair.pk}, entity.region_id, entity.pk))
        identity = ListedIdentity.objects.create(entry=entry, kind="person", digest=f"{n:064d}",
                                                 masked="1101**********002X", role="法定代表人")  # fmt: skip
        flag = JointFlag.objects.create(
            entry=entry, identity=identity, entity=entity, region_id=entity.region_id, kind="key_person",
            source_kind="entities.keyperson", source_id=n, masked=identity.masked, created_at=now,
        )  # fmt: skip
        w.objects.setdefault("joint_flag", []).append(Instance(pos, {"pk": flag.pk}, entity.region_id, entity.pk))


EXTENSIONS = [add_all]
