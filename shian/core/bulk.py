"""Bulk work over many ids without one query per row and without passing a database's parameter limit."""

from collections.abc import Iterable, Iterator

from django.db import DEFAULT_DB_ALIAS, connections

CHUNK = 5000  # ids per IN (...) query: far below SQLite's and PostgreSQL's parameter limits
_MAX_PARAMS = 30_000  # per statement: under SQLite's 32,766 and PostgreSQL's 65,535


def chunked(values: Iterable, size: int = CHUNK) -> Iterator[list]:
    """`values` in lists of at most `size`, in order."""
    batch = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def insert_many(model, objs: list, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """`bulk_create` for large imports: one multi-row INSERT ... RETURNING per chunk, with the SQL text built
    once per chunk size instead of compiled object by object (which costs Django four times the insert itself
    on 100,000 rows). Values still go through each field's own preparation, so dates, decimals and JSON are
    stored exactly as `save()` would store them; the new primary keys are set on `objs`, in order (both
    SQLite and PostgreSQL return rows of a multi-row INSERT in VALUES order, as Django itself relies on).
    No signals, no `save()`: only for plain rows."""
    if not objs:
        return
    connection = connections[using]
    opts = model._meta
    pk = opts.pk
    fields = [f for f in opts.local_concrete_fields if not (f is pk and f.db_returning)]  # the database numbers it
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, min(2000, _MAX_PARAMS // len(fields)))
    head = f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES "
    tail = f" RETURNING {quote(pk.column)}"
    with connection.cursor() as cursor:
        for chunk in chunked(objs, size):
            for obj in chunk:  # a parent saved after it was assigned: copy its new key (as bulk_create does)
                obj._prepare_related_fields_for_save(operation_name="insert_many")
            params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in chunk for f in fields]
            cursor.execute(head + ", ".join([placeholder] * len(chunk)) + tail, params)
            for obj, (new_pk,) in zip(chunk, cursor.fetchall(), strict=True):
                obj.pk = new_pk
                obj._state.adding = False
                obj._state.db = using
