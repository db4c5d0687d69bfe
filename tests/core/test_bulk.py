"""insert_many stores rows exactly as bulk_create would, and numbers them in order: by multi-row INSERT, on
PostgreSQL from `COPY_MIN_ROWS` rows on by COPY, and on SQLite inside `write_behind` by a background thread (all
paths run here: the threshold is lowered to 1; `write_behind` changes nothing on PostgreSQL)."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from shian.core import bulk
from shian.core.bulk import insert_many
from shian.entities.models import Entity, License
from shian.ledgers.models import ImportBatch, ImportRow


@pytest.fixture(params=["insert", "copy", "behind"])
def path(request, monkeypatch, db):
    if request.param == "copy":
        monkeypatch.setattr(bulk, "COPY_MIN_ROWS", 1)
    if request.param == "behind":
        with transaction.atomic(), bulk.write_behind():
            yield request.param
        return
    yield request.param


def test_rows_round_trip_with_keys_in_order_and_children_of_new_parents(regions, superuser, path):
    entities = [
        Entity(name=f"饭店{i}", region_id="370725001001", floor_area=Decimal("12.5"), latitude=Decimal("36.700001"))
        for i in range(5)
    ]
    insert_many(Entity, entities)
    assert [e.pk for e in entities] == sorted(e.pk for e in entities)
    stored = {e.pk: e for e in Entity.objects.all()}
    assert [stored[e.pk].name for e in entities] == [e.name for e in entities]
    assert stored[entities[0].pk].floor_area == Decimal("12.5") and stored[entities[0].pk].created_at is not None
    parent = Entity(name="新主体", region_id="370725001001")
    child = License(entity=parent, kind="JY", number="JY23707250000011", issued_on=datetime.date(2024, 1, 5))
    insert_many(Entity, [parent])  # the parent gets its key after the child was pointed at it
    insert_many(License, [child])
    assert License.objects.get(pk=child.pk).entity_id == parent.pk
    batch = ImportBatch.objects.create(kind="entities", file_name="a.csv", file_hash="x" * 64, created_by=superuser)
    row = ImportRow(batch=batch, row=2, action="updated", object_type="entities.entity", before={"名称": "旧"})
    shared = {"地址": "站前路\t1号\n\\后院", "面积": 12.5}  # one value object behind two rows, with COPY's specials
    twins = [ImportRow(batch=batch, row=n, action="created", object_type="entities.entity", before=shared)
             for n in (3, 4)]  # fmt: skip
    insert_many(ImportRow, [row, *twins])
    assert ImportRow.objects.get(pk=row.pk).before == {"名称": "旧"}
    assert [ImportRow.objects.get(pk=t.pk).before for t in twins] == [shared, shared]
    insert_many(Entity, [])
    # a later ordinary save is numbered after the bulk rows (the sequence moved on)
    later = Entity.objects.create(name="后来", region_id="370725001001")
    assert later.pk > max(e.pk for e in entities)


def test_plain_rows_are_stored_without_model_instances(superuser, path):
    import json

    batch = ImportBatch.objects.create(kind="entities", file_name="b.csv", file_hash="y" * 64, created_by=superuser)
    before = json.dumps({"名称": "旧\t店\n二号\\后院"}, ensure_ascii=False)
    rows = [(batch.pk, n, "created", "entities.entity", str(n), before if n % 2 else None) for n in range(1, 6)]
    bulk.insert_rows(ImportRow, ["batch_id", "row", "action", "object_type", "object_id", "before"], rows)
    stored = list(ImportRow.objects.filter(batch=batch).order_by("row").values_list("row", "object_id", "before"))
    assert stored == [(n, str(n), {"名称": "旧\t店\n二号\\后院"} if n % 2 else None) for n in range(1, 6)]
    bulk.insert_rows(ImportRow, ["batch_id"], [])  # nothing to write: no query


def test_reserved_keys_come_after_every_key_ever_given_and_insert_rows_takes_them(superuser, path):
    """Rows that point at each other need their keys before the write: reserved keys are new (past a deleted top row
    too, as AUTOINCREMENT promises), `insert_rows` stores rows under them, and the next save is numbered after."""
    batch = ImportBatch.objects.create(kind="entities", file_name="b.csv", file_hash="y" * 64, created_by=superuser)

    def row(n):
        return ImportRow.objects.create(batch=batch, row=n, action="created", object_type="x", object_id=str(n))

    first, top = row(1), row(2)
    top_pk = top.pk
    top.delete()
    keys = bulk.reserve_keys(ImportRow, 3)
    assert len(set(keys)) == 3 and min(keys) > top_pk > first.pk
    bulk.insert_rows(ImportRow, ["id", "batch_id", "row", "action", "object_type", "object_id", "before"],
                     [(k, batch.pk, k, "created", "x", str(k), None) for k in keys])  # fmt: skip
    assert set(ImportRow.objects.filter(object_type="x", row__in=keys).values_list("pk", flat=True)) == set(keys)
    assert row(9).pk > max(keys)
    assert bulk.reserve_keys(ImportRow, 0) == []


def test_a_column_with_a_value_of_another_type_goes_through_its_field(regions, superuser):
    """On SQLite a column is sent as is only when every value in the chunk has a type the column takes as is; one
    odd value (a float in a decimal field, a lazy string in a text field) has that column prepared by the field."""
    from django.utils.functional import lazy

    lazy_name = lazy(lambda: "懒名称", str)()
    entities = [
        Entity(name="甲", region_id="370725001001", floor_area=Decimal("12.5")),
        Entity(name=lazy_name, region_id="370725001001", floor_area=7.5),
    ]
    insert_many(Entity, entities)
    stored = {e.pk: e for e in Entity.objects.filter(pk__in=[e.pk for e in entities])}
    assert [stored[e.pk].name for e in entities] == ["甲", "懒名称"]
    assert [stored[e.pk].floor_area for e in entities] == [Decimal("12.5"), Decimal("7.5")]


def test_choice_members_in_a_text_column_are_stored_as_their_text(regions, superuser, monkeypatch):
    """A TextChoices member is a str: on SQLite the column goes as is (no preparation per value) and stores the
    member's text, as the field would."""
    from django.db import connection

    entities = [
        Entity(name="甲", region_id="370725001001", status=Entity.Status.SUSPENDED),
        Entity(name="乙", region_id="370725001001", status="operating"),
    ]
    status = Entity._meta.get_field("status")
    if connection.vendor == "sqlite":
        monkeypatch.setattr(type(status), "get_db_prep_save", lambda *a, **k: pytest.fail("prepared by the field"))
    insert_many(Entity, entities)
    monkeypatch.undo()
    stored = dict(Entity.objects.filter(pk__in=[e.pk for e in entities]).values_list("name", "status"))
    assert stored == {"甲": "suspended", "乙": "operating"}
    assert type(Entity.objects.get(name="甲").status) is str


def test_the_write_cache_is_restored_after_the_write(db):
    from django.db import connection

    def cache_size():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return cursor.fetchone()[0]

    if connection.vendor != "sqlite":
        with bulk.sqlite_write_cache():  # nothing to do elsewhere
            return
    before = cache_size()
    with pytest.raises(RuntimeError), bulk.sqlite_write_cache(8):
        assert cache_size() == -8 * 1024
        raise RuntimeError("the write failed")
    assert cache_size() == before


def test_chunked_lists_and_other_iterables_alike():
    values = list(range(7))
    assert list(bulk.chunked(values, 3)) == [[0, 1, 2], [3, 4, 5], [6]] == list(bulk.chunked(iter(values), 3))
    assert list(bulk.chunked([], 3)) == [] == list(bulk.chunked(iter([]), 3))


def test_writes_behind_are_seen_by_every_later_query_and_keys_stay_unique(regions):
    """Inside `write_behind` an INSERT returns before SQLite ran it: a later query still sees it (it waits), and an
    ordinary save between two bulk inserts does not make them reuse its key."""
    with transaction.atomic(), bulk.write_behind():
        first = [Entity(name=f"先{i}", region_id="370725001001") for i in range(3)]
        insert_many(Entity, first)
        assert Entity.objects.filter(name__startswith="先").count() == 3
        between = Entity.objects.create(name="中间", region_id="370725001001")
        second = [Entity(name=f"后{i}", region_id="370725001001") for i in range(3)]
        insert_many(Entity, second)
        keys = [e.pk for e in first] + [between.pk] + [e.pk for e in second]
        assert keys == sorted(set(keys))
    assert sorted(Entity.objects.values_list("pk", flat=True)) == keys
    assert Entity.objects.get(pk=second[0].pk).name == "后0"


def test_a_failed_write_behind_raises_where_it_is_waited_for_and_drops_what_follows(regions):
    if connection.vendor != "sqlite":
        pytest.skip("write_behind works on SQLite only")
    Entity.objects.create(name="已有", uscc="91370725MA0000001X", region_id="370725001001")
    with pytest.raises(IntegrityError), transaction.atomic(), bulk.write_behind():
        insert_many(Entity, [Entity(name="重复", uscc="91370725MA0000001X", region_id="370725001001")])
        insert_many(Entity, [Entity(name="其后", region_id="370725001001")])  # queued after the failing one
    assert list(Entity.objects.values_list("name", flat=True)) == ["已有"]
    with transaction.atomic(), bulk.write_behind():
        bulk.insert_rows(Entity, ["name", "region_id"], [])  # nothing queued: leaving the block is quiet
    assert bulk._writer(connection) is None
