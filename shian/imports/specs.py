"""A table a module imports, as data: which columns a file may have, what each holds and how clerks name it.

A spec is plain data so that every stage walks the same description: the reader matches headers and parses
cells by it, the template and error report are drawn from it, and the module's importer validates the parsed
values with the functions a column carries. Header texts, notes and titles are Chinese source strings marked
with ``gettext_noop`` by the module that declares them: the Chinese text is the stable name used to recognise
a column in a file, :meth:`Column.label` is what a user sees in the active language.

Nothing here knows a domain: what an identifier is (USCC, ID number) reaches a column through ``fold`` (how
its text is normalised when read) and ``validate`` (the rule checked when the importer validates it).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.utils import translation
from django.utils.translation import gettext

__all__ = ["Choice", "Column", "ColumnType", "TableSpec", "choice_text", "choices_from", "header_text"]


class ColumnType(StrEnum):
    """How a cell is read. ``ID`` is text that must survive exactly (codes, ID and phone numbers)."""

    TEXT = "text"  # names, addresses: trimmed; a whole number typed as 12.0 reads "12"
    ID = "id"  # folded (``Column.fold``), spaces removed; a number that lost digits is an error
    DATE = "date"  # Excel dates and serials, 2024-03-05, 2024/3/5, 2024年3月5日, 20240305
    INT = "int"
    DECIMAL = "decimal"
    ENUM = "enum"  # one of ``Column.choices``, by label, stored value or alias


@dataclass(frozen=True)
class Choice:
    """One allowed value of an enumeration column: the stored value, its label and other words for it."""

    value: str | bool
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Column:
    """One column of a table. ``header`` is the Chinese header the template writes; ``aliases`` are the
    variants clerks type instead. ``example`` is the text the template's example row shows. ``fold`` turns
    the text of an ``ID`` cell into the identifier (default: spaces removed, ASCII upper-cased); ``validate``
    is the domain rule :meth:`shian.imports.importer.Importer.check` applies to the parsed value."""

    key: str
    header: str
    type: ColumnType = ColumnType.TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()
    note: str = ""
    example: str = ""
    width: float = 16
    fold: Callable[[str], str] | None = None
    validate: Callable | None = None

    def label(self) -> str:
        """The header in the active language."""
        return gettext(self.header)

    def names(self) -> set[str]:
        """Every header text that names this column, normalised with :func:`header_text`."""
        return {header_text(name) for name in (self.header, self.label(), *self.aliases)}

    def choice_lookup(self) -> dict[str, str | bool]:
        """Normalised label, value or alias -> stored value: labels in Chinese and in the active language."""
        lookup: dict[str, str | bool] = {}
        for choice in self.choices:
            with translation.override("zh-hans"):
                chinese = str(choice.label)
            for word in (str(choice.value), chinese, str(choice.label), *choice.aliases):
                lookup.setdefault(choice_text(word), choice.value)
        return lookup

    def choice_labels(self) -> list[str]:
        """The labels a user picks from, in the active language (the template's dropdown)."""
        return [str(choice.label) for choice in self.choices]


@dataclass(frozen=True)
class TableSpec:
    """A table: its columns in template order, the columns that identify a row across uploads (the key a
    new upload is diffed and de-duplicated by), and groups of columns of which at least one must be filled."""

    kind: str
    title: str
    columns: tuple[Column, ...]
    identity: tuple[str, ...]
    one_of: tuple[tuple[str, ...], ...] = ()
    version: int = 1

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def label(self) -> str:
        return gettext(self.title)


def header_text(text) -> str:
    """A header as compared: NFKC (full-width to half-width), no spaces or line breaks, no ``*`` required
    markers, no "(必填)"/"(选填)" remarks, lower case."""
    text = unicodedata.normalize("NFKC", str(text))
    text = "".join(c for c in text if not c.isspace() and c != "*")
    for remark in ("(必填)", "(选填)", "(必填项)", "(选填项)"):
        text = text.replace(remark, "")
    return text.lower()


def choice_text(text) -> str:
    """An enumeration word as compared: NFKC, no spaces, lower case."""
    return "".join(c for c in unicodedata.normalize("NFKC", str(text)) if not c.isspace()).lower()


def choices_from(
    model_choices: Iterable, aliases: Mapping | None = None, only: Iterable | None = None
) -> tuple[Choice, ...]:
    """The choices of a Django ``TextChoices`` (or any members with ``value`` and ``label``), with other
    words for some members, optionally only some of them: a column takes its labels from the model it fills."""
    aliases = aliases or {}
    only = None if only is None else set(only)
    return tuple(
        Choice(value=str(member.value), label=member.label, aliases=tuple(aliases.get(member, ())))
        for member in model_choices
        if only is None or member in only
    )
