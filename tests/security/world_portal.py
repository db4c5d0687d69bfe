"""The matrix world's portal objects (docs/portal.md §5): `add_*` functions (see world.py for `Instance`).

Businesses are public by design, so the matrix cannot hold a live business's page to "no marker": the portal's
objects are the ones the public must NOT see, and their pages answer 404 to everyone. Each carries the position's
marker in every name, and its key persons and staff carry it too, so a leak of a person shows on any page:
- `public_business`: a deregistered (注销) business per position with key persons (name, phone, ID number);
- `public_edition`: a draft 红黑榜 edition per position naming the position's business.
The live pages' no-person rule is tested in tests/portal (a business with key persons and staff).

The matrix sends hundreds of requests a minute from one address, so the world raises the per-address limits of the
public pages and the open API (rule rows inside the world's rolled-back transaction); the limits themselves are
tested in tests/portal and tests/sampling."""


def add_all(w, users) -> None:
    import datetime

    from shian.core.models import DeadlineRule
    from shian.entities.models import Entity, KeyPerson
    from shian.lists.models import Edition, EditionLine

    from .world import MARKERS, Instance, w_admin

    for code in ("portal.per_minute", "open_api.per_minute"):
        DeadlineRule.objects.create(code=code, name="访问矩阵", region_prefix="", version=999, unit="n",
                                    amount=1_000_000, valid_from=datetime.date(2000, 1, 1), source="访问矩阵")  # fmt: skip

    for pos, entity in w.entities.items():
        m = MARKERS[pos]
        gone = Entity.objects.create(
            name=f"{m}已注销饭店", business_type="catering", address=f"{m}旧街1号", region_id=entity.region_id,
            status=Entity.Status.DEREGISTERED,
        )  # fmt: skip
        KeyPerson.objects.create(entity=gone, role="principal", name=f"{m}负责人", phone="13812345678",
                                 id_number="370725199001011234")  # fmt: skip
        w.objects.setdefault("public_business", []).append(Instance(pos, {"pk": gone.pk}, entity.region_id, gone.pk))
        county = entity.region_id[:6]
        edition = Edition.objects.create(region_id=county, number=f"MATRIX-{pos}", title=f"{m}红黑榜草稿",
                                         drafted_by=w_admin(county))  # fmt: skip
        EditionLine.objects.create(edition=edition, board="black", entity=entity, reason=f"{m}上榜理由",
                                   source_kind="matrix", source_id=0)  # fmt: skip
        w.objects.setdefault("public_edition", []).append(Instance(pos, {"pk": edition.pk}, county))


EXTENSIONS = [add_all]
