"""The rule store: every rule number (deadlines, frequencies, thresholds, validity periods) as versioned data.

A rule has a code (``visits.per_quarter``), a name, a unit, a value, the document it comes from (its source)
and the date it takes effect. Each app declares its rules with their defaults in its ``ruledefs.py`` module
(imported at start-up); a row of the ``core.DeadlineRule`` table (the historical name of the store's table,
edited in the Django admin) overrides a default for a region prefix ('' = national) from its ``valid_from``
date. The one resolver picks, among the rows valid on the day, the most specific region (the longest prefix of
the region's code), then the newest version; the registered default applies when no row does. The policy
tables (包保 ``baobao.Policy``, ``duties.StaffingPolicy``, checklists) pick their row with the same resolver
through ``most_specific``. A deadline copies the rule it was computed with (``shian.core.workdays``).

Declaring (in ``<app>/ruledefs.py``)::

    from shian.core.rules import CALENDAR_DAYS, register_rule

    register_rule("entities.licence_expiry_days", default=30, unit=CALENDAR_DAYS, name="许可证到期提醒天数",
                  source="docs/domain.md §3（待核实）")

Reading::

    rule(code, region_code="", on=None) -> Rule   the rule in force in `region_code` on `on` (default today):
                                                  .value, .unit, .version, .region_prefix, .valid_from, .source,
                                                  .name, .is_default, .snapshot() (what a record keeps)
    value(code, region_code="", on=None) -> int   rule(...).value
    resolver(code) -> (region_code, on) -> Rule   `rule` for many regions and days from one query (a checker's
                                                  run over thousands of records)
    by_region(code, field, within="", on=None)    a query expression giving each row the value in force in the
                                                  region its `field` (a region FK or code) names, for one query over
                                                  many regions; a plain Value when no region below `within`
                                                  overrides the rule
    most_specific(qs, region_code, on=None)       the row of a policy table (nullable `region` FK, `version`,
                                                  optional `valid_from`) that applies to `region_code`
    pick(rows, prefix_of)                         the resolver itself: the most specific, then newest, row
    registered() -> dict[str, RuleDef]            the declared rules (code → default, unit, name, source)

An unknown code raises ``ValueError`` (“没有适用的时限规则”), as an unregistered rule with no row would.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from django.apps import apps
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from .regioncodes import prefixes

# Units (the values of DeadlineRule.Unit). Deadlines use the first three (shian.core.workdays counts them).
WORKING_DAYS, CALENDAR_DAYS, HOURS = "WD", "CD", "h"
COUNT, MINUTES, METRES, CLASS_HOURS = "n", "min", "m", "ch"

DEFAULT_VALID_FROM = datetime.date(2000, 1, 1)


@dataclass(frozen=True)
class RuleDef:
    """A rule as declared by its app: the default that applies until a region's row overrides it."""

    code: str
    default: int
    unit: str
    name: str
    source: str


@dataclass(frozen=True)
class Rule:
    """A rule as resolved for one region and day."""

    code: str
    name: str
    value: int
    unit: str
    version: int
    region_prefix: str
    valid_from: datetime.date
    source: str
    is_default: bool = False

    @property
    def amount(self) -> int:
        """The value under the name deadlines use."""
        return self.value

    def snapshot(self) -> dict:
        """The copy a record keeps (a deadline's `due_rule`), so a later rule change never rewrites it."""
        return {
            "code": self.code,
            "name": self.name,
            "unit": self.unit,
            "amount": self.value,
            "version": self.version,
            "region_prefix": self.region_prefix,
        }

    def as_dict(self) -> dict:
        return asdict(self)


_registry: dict[str, RuleDef] = {}


def register_rule(code: str, *, default: int, unit: str, name: str, source: str) -> RuleDef:
    """Declare a rule and its default (from an app's ruledefs module). Declaring the same code twice with a
    different definition is an error: a rule has one owner."""
    definition = RuleDef(code=code, default=default, unit=unit, name=str(name), source=source)
    known = _registry.get(code)
    if known is not None and known != definition:
        raise ValueError(f"rule {code} is already registered differently: {known}")
    _registry[code] = definition
    return definition


def registered() -> dict[str, RuleDef]:
    return dict(_registry)


def autodiscover() -> None:
    """Import every installed app's `ruledefs` module (called from CoreConfig.ready)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("ruledefs")


# -- the resolver -----------------------------------------------------------------------------------------------


def pick(rows: Iterable, prefix_of: Callable[[object], str]):
    """The row of the most specific region (longest prefix), then of the highest version; None for no rows.
    Callers pass only the rows that may apply: prefixes of the region's code, valid on the day."""
    return max(rows, key=lambda row: (len(prefix_of(row) or ""), row.version), default=None)


def _today() -> datetime.date:
    return timezone.localdate()


def _table():
    return apps.get_model("core", "DeadlineRule")


def _from_row(row) -> Rule:
    return Rule(
        code=row.code,
        name=row.name,
        value=row.amount,
        unit=row.unit,
        version=row.version,
        region_prefix=row.region_prefix,
        valid_from=row.valid_from,
        source=row.source,
    )


def _default(code: str) -> Rule:
    definition = _registry.get(code)
    if definition is None:
        raise ValueError(_("没有适用的时限规则：%(code)s") % {"code": code})
    return Rule(
        code=code,
        name=definition.name,
        value=definition.default,
        unit=definition.unit,
        version=0,
        region_prefix="",
        valid_from=DEFAULT_VALID_FROM,
        source=definition.source,
        is_default=True,
    )


def rule(code: str, region_code: str | None = "", on: datetime.date | None = None) -> Rule:
    """The rule `code` in force in `region_code` on `on` (default today): the newest version of the most
    specific region's rows valid by then, else the registered default."""
    on = on or _today()
    rows = _table().objects.filter(
        code=code, region_prefix__in=prefixes(region_code, national=True), valid_from__lte=on
    )
    row = pick(rows, lambda r: r.region_prefix)
    return _from_row(row) if row is not None else _default(code)


def value(code: str, region_code: str | None = "", on: datetime.date | None = None) -> int:
    return rule(code, region_code, on).value


def resolver(code: str) -> Callable[[str, datetime.date], Rule]:
    """`rule(code, region_code, on)` as a function that reads the rule's rows once (one query) and resolves in
    memory, remembering each (region, day) it was asked: the same answers as `rule` for the life of the caller."""
    rows = list(_table().objects.filter(code=code))
    seen: dict[tuple[str, datetime.date], Rule] = {}

    def resolve(region_code: str, on: datetime.date) -> Rule:
        key = (region_code or "", on)
        if key not in seen:
            allowed = set(prefixes(region_code, national=True))
            row = pick(
                [r for r in rows if r.region_prefix in allowed and r.valid_from <= on], lambda r: r.region_prefix
            )
            seen[key] = _from_row(row) if row is not None else _default(code)
        return seen[key]

    return resolve


def by_region(code: str, field: str, *, within: str | None = "", on: datetime.date | None = None):
    """An expression worth, for each row, the value of `code` in force in the region its `field` names (a region
    foreign key or code, e.g. "entity__region"), for rows inside `within`. One query reads the overrides; the
    expression is a plain `Value` when no region below `within` has one."""
    on = on or _today()
    within = within or ""
    base = rule(code, within, on)
    rows = _table().objects.filter(code=code, region_prefix__startswith=within, valid_from__lte=on)
    newest: dict[str, object] = {}
    for row in rows.exclude(region_prefix=within):
        if row.region_prefix not in newest or row.version > newest[row.region_prefix].version:
            newest[row.region_prefix] = row
    if not newest:
        return Value(base.value, output_field=IntegerField())
    # longest prefix first, so the most specific region's value wins; codes under a prefix as a range, like
    # jurisdiction.region_under (a foreign key has no startswith)
    whens = [
        When(Q(**{f"{field}__gte": prefix, f"{field}__lte": prefix.ljust(12, "9")}), then=Value(newest[prefix].amount))
        for prefix in sorted(newest, key=len, reverse=True)
    ]
    return Case(*whens, default=Value(base.value), output_field=IntegerField())


def most_specific(qs: QuerySet, region_code: str | None, on: datetime.date | None = None):
    """The row of a policy table that applies to `region_code`: rows of the regions containing it (a nullable
    `region` FK; no region = the defaults), valid on `on` when the table has a `valid_from`, resolved by `pick`
    like every rule. None when nothing applies."""
    candidates = qs.filter(Q(region__isnull=True) | Q(region_id__in=prefixes(region_code)))
    if any(field.name == "valid_from" for field in qs.model._meta.get_fields()):
        candidates = candidates.filter(valid_from__lte=on or _today())
    return pick(candidates, lambda row: row.region_id or "")
