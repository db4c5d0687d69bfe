"""Bulk work over many ids without one query per row and without passing a database's parameter limit."""

import datetime
import decimal
import json
import operator
import queue
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import chain

from django.db import DEFAULT_DB_ALIAS, connections, models

CHUNK = 5000  # ids per IN (...) query: far below SQLite's and PostgreSQL's parameter limits
_MAX_PARAMS = 30_000  # per statement: under SQLite's 32,766 and PostgreSQL's 65,535
COPY_MIN_ROWS = 1000  # PostgreSQL: from this many rows on, COPY (about three times the multi-row INSERT's speed)
WRITE_CACHE_MIB = 32  # SQLite page cache while a large write runs (the default 2 MiB rereads index pages endlessly)


def chunked(values: Iterable, size: int = CHUNK) -> Iterator[list]:
    """`values` in lists of at most `size`, in order."""
    if type(values) is list and size > 0:  # slices: no Python step per value
        for start in range(0, len(values), size):
            yield values[start : start + size]
        return
    batch = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@contextmanager
def sqlite_write_cache(mib: int = WRITE_CACHE_MIB, *, using: str = DEFAULT_DB_ALIAS):
    """A larger SQLite page cache for a large write, the connection's own setting restored after. Inserting
    100,000 rows into a table with several indexes touches index pages all over each B-tree: with SQLite's
    default 2 MiB cache most of those are evicted and read back many times (a third of the insert's time).
    The cache only grows as pages are used, and shrinks back when restored. Other databases: nothing changes."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-int(mib) * 1024}")  # negative: in KiB
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def insert_many(model, objs: list, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """`bulk_create` for large imports: one multi-row INSERT ... RETURNING per chunk, with the SQL text built
    once per chunk size instead of compiled object by object (which costs Django four times the insert itself
    on 100,000 rows). Values are stored exactly as `save()` would store them (on SQLite a plain value skips the
    field's own preparation where that gives the same parameter, see `_sqlite_readers`); the new primary keys are set on `objs`, in order (both
    SQLite and PostgreSQL return rows of a multi-row INSERT in VALUES order, as Django itself relies on).
    No signals, no `save()`: only for plain rows.

    On PostgreSQL, from `COPY_MIN_ROWS` rows on, the rows go by `COPY ... FROM STDIN` instead, behind the same
    contract: the keys are taken from the table's sequence first (one `nextval` query for all of them), set on
    `objs` in order, and copied with the rows. On SQLite inside `write_behind`, the keys are handed out first too
    and the INSERTs queued for its background thread."""
    if not objs:
        return
    connection = connections[using]
    opts = model._meta
    pk = opts.pk
    fields = [f for f in opts.local_concrete_fields if not (f is pk and f.db_returning)]  # the database numbers it
    for obj in objs:  # a parent saved after it was assigned: copy its new key (as bulk_create does)
        if obj._state.__dict__.get("fields_cache"):  # none assigned: nothing to check (the common case)
            obj._prepare_related_fields_for_save(operation_name="insert_many")
    if connection.vendor == "postgresql" and len(objs) >= COPY_MIN_ROWS:
        _copy_many(connection, model, objs, fields, using)
        return
    writer = _writer(connection)
    if writer is not None and not opts.parents:
        _insert_behind(writer, model, objs, fields, using)
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = _statement_rows(len(fields))
    head = f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES "
    tail = f" RETURNING {quote(pk.column)}"
    if connection.vendor == "sqlite":
        prepare = _sqlite_params(connection, objs, fields)
    else:
        readers = [lambda obj, f=f: f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]

        def prepare(chunk):
            return [read(obj) for obj in chunk for read in readers]

    parents, pk_name = bool(opts.parents), pk.attname
    with connection.cursor() as cursor:
        for chunk in chunked(objs, size):
            params = prepare(chunk)
            cursor.execute(head + ", ".join([placeholder] * len(chunk)) + tail, params)
            for obj, (new_pk,) in zip(chunk, cursor.fetchall(), strict=True):
                if parents:
                    obj.pk = new_pk
                else:  # what the pk setter does for a model without parent links
                    obj.__dict__[pk_name] = new_pk
                state = obj._state
                state.adding = False
                state.db = using


def _statement_rows(width: int) -> int:
    """Rows per multi-row INSERT of `insert_many`: at most 2,000, within the parameter limit."""
    return max(1, min(2000, _MAX_PARAMS // width))


# SQLite: field classes whose prepared value is the attribute itself when it has one of these exact types (sqlite3
# binds str, int, bool and None as they are; Django's SQLite backend adapts Decimal and date to the same text the
# field would). Any other value (a lazy string, a number in a text field) still goes through the field.
_SQLITE_AS_IS: dict[type, tuple[type, ...]] = {
    models.CharField: (str,), models.TextField: (str,), models.BooleanField: (bool,),
    models.AutoField: (int,), models.BigAutoField: (int,), models.SmallAutoField: (int,),
    models.IntegerField: (int,), models.BigIntegerField: (int,), models.SmallIntegerField: (int,),
    models.PositiveIntegerField: (int,), models.PositiveBigIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,), models.DecimalField: (decimal.Decimal,),
    models.DateField: (datetime.date,),
}  # fmt: skip


def _sqlite_readers(connection, objs: list, fields: list) -> list:
    """How the SQLite INSERT of `insert_many` reads each field's parameter off an object. A field's own preparation
    (pre_save, then get_db_prep_save) costs more than the INSERT itself at 100,000 rows, so: a value of an exact
    type the column takes as is goes as is; `auto_now`/`auto_now_add` timestamps are taken once for the whole call
    (set on every object, as `pre_save` would, one instant for the rows written together); anything else goes
    through the field."""
    readers = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = field.pre_save(objs[0], True)
            for obj in objs:
                setattr(obj, field.attname, value)
            prepared = field.get_db_prep_save(value, connection)
            readers.append(lambda obj, prepared=prepared: prepared)
            continue
        target = field.target_field if type(field) is models.ForeignKey else field
        exact = _SQLITE_AS_IS.get(type(target), ())
        if not exact:
            readers.append(lambda obj, f=field: f.get_db_prep_save(f.pre_save(obj, True), connection))
            continue

        def read(obj, attname=field.attname, exact=exact, field=field):
            value = getattr(obj, attname)
            if value is None or type(value) in exact:
                return value
            return field.get_db_prep_save(value, connection)

        readers.append(read)
    return readers


def _sqlite_params(connection, objs: list, fields: list):
    """The INSERT parameters of a chunk of `objs`, as `_sqlite_readers` reads them, taken column by column: each
    object's values in one C-level lookup of its attributes, then per column one check that every value is of a
    type that goes as is (the common case, no Python call per value) or else that column read value by value."""
    readers = _sqlite_readers(connection, objs, fields)
    kinds = []  # per field: the types that go as is (None too); a timestamp's one value; or None: read each value
    texts = []  # per field: a text column, which takes any str subclass (a choices enum member) as is too
    for field, read in zip(fields, readers, strict=True):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            kinds.append((read(objs[0]),))
            texts.append(False)
            continue
        target = field.target_field if type(field) is models.ForeignKey else field
        exact = _SQLITE_AS_IS.get(type(target), ())
        kinds.append(frozenset((*exact, type(None))) if exact else None)
        texts.append(exact == (str,))
    names = [field.attname for field in fields]
    values_of = operator.itemgetter(*names) if len(names) > 1 else (lambda attributes: (attributes[names[0]],))

    def prepare(chunk: list) -> list:
        try:
            columns = list(zip(*[values_of(obj.__dict__) for obj in chunk], strict=True))
        except KeyError:  # a deferred attribute: read through the fields
            return [read(obj) for obj in chunk for read in readers]
        for index, kind in enumerate(kinds):
            if type(kind) is tuple:
                columns[index] = kind * len(chunk)
            elif kind is None or not _as_is(kind, texts[index], set(map(type, columns[index]))):
                read = readers[index]
                columns[index] = [read(obj) for obj in chunk]
        return list(chain.from_iterable(zip(*columns, strict=True)))

    return prepare


def _as_is(kind: frozenset, text: bool, types: set) -> bool:
    """Whether a column whose values have `types` goes as is: all of the field's exact types, or, for a text
    column, all str (of any subclass: a TextChoices member) or None. The field would pass such a value on
    unchanged (`CharField.to_python`), and sqlite3 binds any str as its text."""
    if kind.issuperset(types):
        return True
    return text and all(issubclass(t, str) for t in types - {type(None)})


def insert_rows(model, attnames: list[str], rows: list[tuple], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Plain rows of values ready for the database (ints, strings, Decimals, dates, datetimes already adapted by
    `connection.ops`, JSON as its text) into the columns of `attnames` (`entity_id` for a foreign key), without
    building model instances: at a million rows, constructing and preparing objects costs more than writing them.
    Nothing is returned and no default is computed: give every column that has no database default. Multi-row
    INSERTs; on PostgreSQL from `COPY_MIN_ROWS` rows on, one COPY."""
    if not rows:
        return
    connection = connections[using]
    opts = model._meta
    by_attname = {f.attname: f for f in opts.concrete_fields}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(by_attname[a].column) for a in attnames)
    writer = _writer(connection)
    if writer is not None:
        size = max(1, _MAX_PARAMS // len(attnames))
        for chunk in chunked(rows, size):
            writer.submit(_insert_sql(quote(opts.db_table), columns, len(attnames), len(chunk)), _flat(chunk))
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(rows) >= COPY_MIN_ROWS:
            with cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        size = max(1, _MAX_PARAMS // len(attnames))
        placeholder = "(" + ", ".join(["%s"] * len(attnames)) + ")"
        head = f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES "
        for chunk in chunked(rows, size):
            cursor.execute(head + ", ".join([placeholder] * len(chunk)), [v for row in chunk for v in row])


def update_rows(model, key: str, attnames: list[str], rows: list[tuple], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Set `attnames` on the rows whose `key` column holds each row's first value: `rows` are
    `(key, value, ...)` tuples of values ready for the database (as for `insert_rows`). On PostgreSQL from
    `COPY_MIN_ROWS` rows on, the rows are copied into a temporary table and written by one UPDATE ... FROM (a
    million single-row UPDATEs would each pay a round trip); otherwise one executemany of single-row UPDATEs."""
    if not rows:
        return
    connection = connections[using]
    opts = model._meta
    by_attname = {f.attname: f for f in opts.concrete_fields}
    quote = connection.ops.quote_name
    table, key_column = quote(opts.db_table), quote(by_attname[key].column)
    columns = [quote(by_attname[a].column) for a in attnames]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(rows) >= COPY_MIN_ROWS:
            stage = quote(f"stage_{opts.db_table}")
            cursor.execute(f"DROP TABLE IF EXISTS {stage}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {stage} AS SELECT {key_column}, {', '.join(columns)} FROM {table} WITH NO DATA"
            )
            with cursor.cursor.copy(f"COPY {stage} ({key_column}, {', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            sets = ", ".join(f"{c} = s.{c}" for c in columns)
            cursor.execute(f"UPDATE {table} AS t SET {sets} FROM {stage} AS s WHERE t.{key_column} = s.{key_column}")
            cursor.execute(f"DROP TABLE {stage}")
            return
        sets = ", ".join(f"{c} = %s" for c in columns)
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE {key_column} = %s", [(*r[1:], r[0]) for r in rows])


def _copy_many(connection, model, objs: list, fields: list, using: str) -> None:
    """PostgreSQL's COPY for `insert_many`: keys from the sequence (when the database numbers them), then one COPY
    of all the rows, each value prepared by its field as for the INSERT."""
    opts = model._meta
    pk = opts.pk
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if pk not in fields:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [opts.db_table, pk.column, len(objs)],
            )
            keys = sorted(row[0] for row in cursor.fetchall())
            for obj, key in zip(objs, keys, strict=True):
                obj.pk = key
            fields = [pk, *fields]
        columns = ", ".join(quote(f.column) for f in fields)
        readers = [_copy_reader(f, connection) for f in fields]
        with cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([read(obj) for read in readers])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using


# Fields whose stored value is the attribute itself: COPY sends every value as text, which the column parses as
# the INSERT's parameter would be (exact types only: a subclass may prepare its values otherwise).
_PLAIN_FIELDS = {
    models.AutoField, models.BigAutoField, models.SmallAutoField, models.IntegerField, models.BigIntegerField,
    models.SmallIntegerField, models.PositiveIntegerField, models.PositiveBigIntegerField,
    models.PositiveSmallIntegerField, models.CharField, models.TextField, models.BooleanField, models.DecimalField,
    models.DateField, models.DateTimeField, models.ForeignKey,
}  # fmt: skip


def _copy_reader(field, connection):
    """How COPY reads a field's value off an object: the attribute as is for plain fields (the field's own
    preparation costs more than the COPY itself at a million rows), JSON dumped once per distinct value object
    (rows built from one memoised value share it), anything else through the field's own preparation."""
    auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    if type(field) in _PLAIN_FIELDS and not auto:
        return operator.attrgetter(field.attname)
    if type(field) is models.JSONField:
        dumped: dict[int, tuple] = {}
        attname, encoder = field.attname, field.encoder

        def read_json(obj):
            value = getattr(obj, attname)
            if value is None:
                return None
            found = dumped.get(id(value))
            if found is None or found[0] is not value:
                found = dumped[id(value)] = (value, json.dumps(value, cls=encoder))
            return found[1]

        return read_json
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)


def reserve_keys(model, count: int, *, using: str = DEFAULT_DB_ALIAS) -> list[int]:
    """`count` new primary keys for `insert_rows`, known before the rows are written (so rows of one file can point
    at each other). PostgreSQL: from the table's sequence, one `nextval` query. SQLite: after the highest key ever
    given (AUTOINCREMENT's `sqlite_sequence` or the table's max) — SQLite serialises writers, and a concurrent
    writer taking the same keys fails on the primary key, so the caller's transaction rolls back whole."""
    if count <= 0:
        return []
    connection = connections[using]
    opts = model._meta
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [opts.db_table, opts.pk.column, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT coalesce(max({quote(opts.pk.column)}), 0) FROM {quote(opts.db_table)}")
        top = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'")
        if cursor.fetchone()[0]:
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [opts.db_table])
            found = cursor.fetchone()
            top = max(top, found[0] if found else 0)
    return list(range(top + 1, top + 1 + count))


# -- SQLite: statements written behind the caller's back ------------------------------------------------------


class WriteBehind:
    """One background thread that runs the INSERTs of `insert_many` and `insert_rows` on the caller's own SQLite
    connection, in order, while the caller goes on preparing the next ones (sqlite3 lets go of the GIL while
    SQLite works, so the two cores share an import: see `write_behind`). A statement that fails stops the ones
    after it; the error is raised in the caller at its next statement, query or the end of the block."""

    def __init__(self, connection):
        self.connection = connection
        self.raw = connection.connection
        self.pending: queue.Queue = queue.Queue(maxsize=4)  # a few statements ahead: memory stays bounded
        self.error: BaseException | None = None
        self.next_keys: dict[type, int] = {}
        self.thread = threading.Thread(target=self._run, name="shian-write-behind", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        cursor = self.raw.cursor()
        while True:
            item = self.pending.get()
            try:
                if item is None:
                    cursor.close()
                    return
                if self.error is None:
                    cursor.execute(*item)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
                self.error = exc
            finally:
                self.pending.task_done()

    def submit(self, sql: str, params: list) -> None:
        """Queue a statement written with `?` placeholders (it skips Django's cursor: no `%s` conversion)."""
        self.raise_error()
        self.pending.put((sql, params))

    def flush(self) -> None:
        """Wait until every queued statement has run; raise the first failure as Django's database error."""
        self.pending.join()
        self.raise_error()

    def raise_error(self) -> None:
        if self.error is not None:
            with self.connection.wrap_database_errors:
                raise self.error

    def keys(self, model, count: int, using: str) -> range:
        """`count` new keys of `model`, after those already handed out in this block (the first call asks the
        database, once the statements before it have run)."""
        start = self.next_keys.get(model)
        if start is None:
            known, self.next_keys = self.next_keys, {}
            start = reserve_keys(model, 1, using=using)[0]  # a query: clears `next_keys` (see `write_behind`)
            self.next_keys = known  # a read: the other tables' keys still hold
        self.next_keys[model] = start + count
        return range(start, start + count)

    def close(self, *, discard: bool) -> None:
        if discard and self.error is None:
            self.error = _Discarded()
        self.pending.put(None)
        self.thread.join()


class _Discarded(Exception):
    """Marks the statements of a block left by an error: they are dropped, not run."""


@contextmanager
def write_behind(using: str = DEFAULT_DB_ALIAS):
    """Inside this block, on SQLite, `insert_many` and `insert_rows` hand their INSERTs to a `WriteBehind` thread
    and return at once: a 100,000-row import checks its next rows while SQLite writes the ones before (about
    two fifths of the import's time is SQLite maintaining the entity table's indexes). New keys are handed out
    from the table's highest one instead of being returned by the INSERT, which is safe because the block runs
    inside a transaction that holds SQLite's write lock (`transaction_mode = IMMEDIATE`). Any other query of
    this connection first waits for the queued statements (an execute wrapper), so reads see every write before
    them and keys taken by other inserts are asked for again. Leaving the block waits for the last statement and
    raises its error, if any; leaving it by an error drops what was still queued. Other databases: nothing
    changes."""
    connection = connections[using]
    if connection.vendor != "sqlite" or _writer(connection) is not None or not connection.in_atomic_block:
        yield
        return
    connection.ensure_connection()
    writer = WriteBehind(connection)

    def after_writes(execute, sql, params, many, context):
        writer.flush()
        writer.next_keys.clear()  # this statement may insert rows of its own
        return execute(sql, params, many, context)

    connection.shian_write_behind = writer
    done = False
    try:
        with connection.execute_wrapper(after_writes):
            yield
            writer.flush()
        done = True
    finally:
        connection.shian_write_behind = None
        writer.close(discard=not done)


def _writer(connection) -> WriteBehind | None:
    return getattr(connection, "shian_write_behind", None)


def _insert_behind(writer: WriteBehind, model, objs: list, fields: list, using: str) -> None:
    """`insert_many` through a `WriteBehind`: keys given out first (when the database numbers the rows), then the
    rows queued with their keys, as the INSERT ... RETURNING path would store them."""
    opts = model._meta
    pk = opts.pk
    if pk not in fields:
        name = pk.attname
        for obj, key in zip(objs, writer.keys(model, len(objs), using), strict=True):
            obj.__dict__[name] = key  # what the pk setter does for a model without parent links
        fields = [pk, *fields]
    quote = writer.connection.ops.quote_name
    table, columns = quote(opts.db_table), ", ".join(quote(f.column) for f in fields)
    prepare = _sqlite_params(writer.connection, objs, fields)
    for chunk in chunked(objs, _statement_rows(len(fields))):
        writer.submit(_insert_sql(table, columns, len(fields), len(chunk)), prepare(chunk))
    for obj in objs:
        state = obj._state
        state.adding = False
        state.db = using


_INSERT_SQL: dict[tuple, str] = {}


def _insert_sql(table: str, columns: str, width: int, rows: int) -> str:
    """A multi-row INSERT with `?` placeholders, built once per shape (most chunks of a file share one)."""
    key = (table, columns, width, rows)
    sql = _INSERT_SQL.get(key)
    if sql is None:
        if len(_INSERT_SQL) > 256:
            _INSERT_SQL.clear()
        row = "(" + ", ".join(["?"] * width) + ")"
        sql = _INSERT_SQL[key] = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([row] * rows)
    return sql


def _flat(rows: list) -> list:
    return list(chain.from_iterable(rows))
