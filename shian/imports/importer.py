"""What a table's rows mean: a module's importer validates the read rows and plans the writes; the engine
performs them in bulk and returns what each row did.

An importer walks a read :class:`~shian.imports.reading.Sheet` in two steps. :meth:`Importer.plan` checks
every row (the module's ``check_row``: identifiers, references, duplicates in the file) with a few set-based
lookups prepared in ``prepare``, never one query per row, and decides for each good row whether it creates a
record, updates one (the fields that differ) or changes nothing. :meth:`Importer.apply` performs a plan with
bulk writes and returns the per-row outcome (:class:`Written`) that the batch keeps for rollback. The batch
service (:mod:`shian.imports.batches`) owns transactions, audit and batches; an importer only knows its table.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_init, pre_init
from django.utils.translation import gettext as _

from shian.core.audit import json_value
from shian.core.bulk import CHUNK, chunked, insert_many

from .cells import CellError
from .reading import Row, Sheet
from .specs import TableSpec

__all__ = ["FILE_ROW", "Change", "Importer", "Plan", "Written", "lookup", "new_instance"]

# Change.row of a record the whole file needs rather than one row (say a run the rows belong to): written first,
# counted for no row.
FILE_ROW = 0
EARLY_ROWS = 2000  # checked rows per early write (see Importer.plan)


@dataclass(slots=True)
class Change:
    """One record a row writes: a new instance, or an existing one with the fields that change. For a new
    instance, ``fields`` names its parents (field -> parent instance) that are saved before it."""

    row: int
    instance: Model
    fields: dict = field(default_factory=dict)  # field -> new value (updates only)
    created: bool = False


@dataclass
class Plan:
    """What committing the sheet would do, and what is wrong with it."""

    rows: int
    errors: list[CellError]
    # in row order, children after their parent; not those written early
    changes: list[Change] = field(default_factory=list)
    unchanged: set[int] = field(default_factory=set)  # row numbers that change nothing
    written_early: dict[int, str] = field(default_factory=dict)  # row -> its first change, written by `plan(early=)`

    @property
    def bad_rows(self) -> set[int]:
        return {e.row for e in self.errors}

    def row_actions(self, skip: set[int] = frozenset()) -> Counter:
        """Rows that create a record and rows that only update, by their first change."""
        first = {row: action for row, action in self.written_early.items() if row not in skip}
        for change in self.changes:
            if change.row not in skip and change.row != FILE_ROW:
                first.setdefault(change.row, "created" if change.created else "updated")
        return Counter(first.values())


class Written(NamedTuple):
    """The outcome of one write, kept on the batch: enough to undo it. A named tuple: immutable, and built a
    hundred thousand times per file at a tuple's cost."""

    row: int
    action: str  # "created" | "updated"
    object_type: str
    object_id: str
    before: dict | None


def lookup(queryset, field_name: str, keys: Iterable) -> dict:
    """{key: object} for the keys present in the database, in chunked IN queries. On SQLite text keys go as one
    JSON parameter per chunk (``IN (SELECT value FROM json_each(%s))``): Django prepares an IN list key by key,
    which costs more than the query at 100,000 keys."""
    found = {}
    keys = {k for k in keys if k}
    key_field = queryset.model._meta.get_field(field_name)
    as_json = (
        connections[queryset.db].vendor == "sqlite"
        and type(key_field) in (models.CharField, models.TextField)
        and all(type(k) is str for k in keys)
    )
    for chunk in chunked(list(keys), 50_000 if as_json else CHUNK):  # a list is sliced, not walked
        values = RawSQL("SELECT value FROM json_each(%s)", [json.dumps(chunk)]) if as_json else chunk
        found.update({getattr(o, field_name): o for o in queryset.filter(**{f"{field_name}__in": values})})
    return found


_LAYOUTS: dict[type, tuple[frozenset, dict, dict]] = {}


def _layout(model: type[Model]) -> tuple[frozenset, dict, dict]:
    """The model's attribute names, the fixed defaults (taken once) and the getters of the defaults that are
    computed for each instance (a callable default)."""
    layout = _LAYOUTS.get(model)
    if layout is None:
        fields = model._meta.concrete_fields
        getters = {f.attname: f.get_default for f in fields if f.has_default() and callable(f.default)}
        fixed = {f.attname: f.get_default() for f in fields if f.attname not in getters}
        layout = _LAYOUTS[model] = (frozenset(f.attname for f in fields), fixed, getters)
    return layout


def new_instance(model: type[Model], values: dict) -> Model:
    """``model(**values)`` for ``values`` keyed by attribute name (``region_id``, not ``region``), every field not
    given at its default. What the constructor does for a new instance is set each attribute and send
    ``pre_init``/``post_init``; with no receiver of those this sets the attributes directly, about five times
    faster, which counts when a file plans 100,000 new records."""
    names, fixed, getters = _layout(model)
    listened = (pre_init.receivers or post_init.receivers) and (
        pre_init.has_listeners(model) or post_init.has_listeners(model)
    )
    if listened or not names.issuperset(values):
        return model(**values)
    instance = model.__new__(model)
    attributes = instance.__dict__
    attributes["_state"] = ModelState()
    attributes.update(fixed)
    for name, default in getters.items():
        if name not in values:
            attributes[name] = default()
    attributes.update(values)
    return instance


class Importer:
    """One table kind of a module. Subclasses set ``spec``, implement ``check_row`` (cell and row rules,
    returning the changes) and may prepare lookups in ``prepare``; the base class does file duplicates, the
    one-of groups, validators and the writes."""

    spec: TableSpec | None = None
    # Whether `plan` may hand checked rows' changes to be written before the whole file is checked: an importer
    # that adds changes outside `check_row` (a record for the whole file) or writes more in its own `apply`
    # says False, and is written after its plan.
    early_writes = True

    def __init__(self, sheet: Sheet, actor):
        self.sheet, self.actor = sheet, actor
        self.errors: list[CellError] = list(sheet.errors)
        self.failed = sheet.error_cells()
        self.failed_rows = {number for number, _key in self.failed}
        self._validators: dict[str, Callable | None] = {}

    # -- helpers for subclasses ---------------------------------------------------------------------------

    def error(self, row: Row, key: str, code: str, message: str) -> None:
        if (row.number, key) not in self.failed:
            self.failed.add((row.number, key))
            self.failed_rows.add(row.number)
            self.errors.append(self.sheet.cell_error(row.number, key, code, message, row.get(key)))

    def rule_code(self, exc: ValidationError, default: str) -> str:
        """The rule code a validator's ValidationError is reported under; a module maps its own kinds of
        error (a checksum warning, say) here."""
        return default

    def check(self, row: Row, key: str, validator: Callable | None = None, code: str = "format"):
        """Run a validator (by default the column's ``validate``) on a cell and return what it returns; its
        ValidationError message becomes the cell's error and the value None."""
        value = row.get(key)
        if value in (None, ""):
            return value
        if validator is None:
            validator = self._validators.get(key)
            if validator is None:
                validator = self._validators[key] = self.sheet.spec.column(key).validate
        if validator is None:
            raise TypeError(f"column {key!r} has no validator")
        try:
            return validator(value)
        except ValidationError as exc:
            self.error(row, key, self.rule_code(exc, code), "；".join(exc.messages))
        return None

    def duplicates(self, keys: Iterable[str]) -> None:
        """A key that appears on two rows of the file: both rows are wrong until the clerk decides."""
        for key in keys:
            seen = Counter(row.get(key) for row in self.sheet.rows if row.get(key))
            if len(seen) == seen.total():
                continue  # every key once: the common case, no second walk over the rows
            for row in self.sheet.rows:
                if seen.get(row.get(key), 0) > 1:
                    first = next(r.number for r in self.sheet.rows if r.get(key) == row.get(key))
                    if first != row.number:
                        self.error(row, key, "duplicate", _("与第 %(row)d 行重复。") % {"row": first})

    def one_of(self, row: Row) -> bool:
        for group in self.spec.one_of:
            if not any(row.get(key) for key in group):
                for key in group:
                    headers = "、".join(self.sheet.header(k) for k in group)
                    self.error(row, key, "required", _("%(headers)s 至少填写一项。") % {"headers": headers})
                return False
        return True

    @staticmethod
    def diff(instance: Model, values: dict) -> dict:
        """The fields whose value differs from the instance's. Text differing only in surrounding spaces (which
        the reader trims) is the same text, so a table exported and imported back changes nothing."""

        def same(old, new) -> bool:
            if isinstance(old, str) and isinstance(new, str):
                return old.strip() == new.strip()
            return old == new

        return {name: value for name, value in values.items() if not same(getattr(instance, name), value)}

    # -- the two steps ------------------------------------------------------------------------------------

    def prepare(self) -> None:
        """Set-based lookups for the whole sheet (existing records, reference tables)."""

    def check_row(self, row: Row) -> list[Change]:
        raise NotImplementedError

    def plan(
        self, progress: Callable[[int], None] = lambda n: None, early: Callable[[list[Change]], None] | None = None
    ) -> Plan:
        """Check every row. With ``early`` (for an importer that sets ``early_writes``), the changes of the rows
        checked so far are handed to it every ``EARLY_ROWS`` rows while no error has been found, to be written
        while the next rows are checked, and then let go (``Plan.written_early`` keeps what each row did); the
        caller undoes those writes if an error turns up later (only an all-or-nothing commit may write early)."""
        self.prepare()
        changes, unchanged, written_early = [], set(), {}
        early = early if self.early_writes else None
        since = 0
        for done, row in enumerate(self.sheet.rows, 1):
            progress(done)
            if not self.one_of(row):
                continue
            row_changes = self.check_row(row)
            if row.number in self.failed_rows:
                continue
            if row_changes:
                changes.extend(row_changes)
            else:
                unchanged.add(row.number)
            since += 1
            if early is not None and since >= EARLY_ROWS and not self.errors:
                early(changes)
                for change in changes:
                    if change.row != FILE_ROW:
                        written_early.setdefault(change.row, "created" if change.created else "updated")
                changes, since = [], 0
        return Plan(len(self.sheet.rows), self.errors, changes, unchanged, written_early)

    @staticmethod
    def apply(changes: list[Change], progress: Callable[[int], None] = lambda n: None) -> list[Written]:
        """Write the changes in bulk, parents first. A child created under a parent created here (a new
        entity's licence) is not listed: undoing the parent's creation removes it too."""
        written: list[Written] = []
        created: set[int] = set()
        by_model: dict[type, tuple[list[Change], list[Change]]] = {}
        for change in changes:
            creates, updates = by_model.setdefault(type(change.instance), ([], []))
            (creates if change.created else updates).append(change)
        for model, (creates, updates) in by_model.items():
            label = model._meta.label_lower
            orphans = []
            for change in creates:
                parents = list(change.fields.items())
                for name, parent in parents:  # link a child to its parent, saved above
                    _link(change.instance, name, parent)
                if not any(id(parent) in created for _name, parent in parents):
                    orphans.append(change)
            for chunk in chunked(creates, 2000):
                insert_many(model, [c.instance for c in chunk])
                created.update(id(c.instance) for c in chunk)
                progress(len(chunk))
            written += [Written(c.row, "created", label, str(c.instance.pk), None) for c in orphans]
            for chunk in chunked(updates, 2000):
                names = sorted({name for c in chunk for name in c.fields})
                for c in chunk:
                    before = {name: json_value(getattr(c.instance, name)) for name in c.fields}
                    written.append(Written(c.row, "updated", label, str(c.instance.pk), before))
                    for name, value in c.fields.items():
                        setattr(c.instance, name, value)
                model.objects.bulk_update([c.instance for c in chunk], names)
                progress(len(chunk))
        return written


def _link(instance: Model, name: str, parent: Model | None) -> None:
    """``setattr(instance, name, parent)`` for a parent saved above. A plain foreign key to a saved parent gets the
    parent's key only (what is written; the descriptor's checks and cached parent cost more than the insert of
    100,000 licences); anything else (a child that already holds a related object, say) goes through the
    descriptor."""
    field = instance._meta.get_field(name)
    plain = type(field) is models.ForeignKey and field.remote_field.model is type(parent)
    if plain and not instance._state.__dict__.get("fields_cache"):  # no related object assigned before
        key = getattr(parent, field.target_field.attname)
        if key is not None:
            instance.__dict__[field.attname] = key  # what the attribute's setter does with no cached parent
            return
    setattr(instance, name, parent)
