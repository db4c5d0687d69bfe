"""Finding the header: which table of a file is the spec's, and on which row (or pair of rows) it is named.

Clerks put titles and notes above the header, merge a header cell down over two rows, group columns under a
heading ("许可证信息"), reorder and rename columns. :func:`choose` scans the first ``HEADER_SCAN_ROWS``
non-blank rows of each candidate table and keeps the one whose header names most spec columns (matched
through :func:`~shian.imports.specs.header_text` against each column's header and aliases).

Systems export two header rows: a group row (基本信息 / 登记/备案/许可证信息 / 负责人信息, each merged over its
fields) above the field names. Merged cells count as repeated over their range (:attr:`Grid.merged
<shian.imports.files.Grid>`), and a field under a group is matched with the group's name in front first
("负责人信息" + "手机号" -> "负责人手机号", the group's "信息" ending dropped), so the same field name under two
groups (the principal's 手机号 and the cadre's) reaches the right column or none.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .cells import plain_text
from .files import Grid
from .specs import TableSpec, header_text

__all__ = ["GROUP_ENDINGS", "HEADER_SCAN_ROWS", "Header", "choose", "header_names"]

HEADER_SCAN_ROWS = 20  # the header is looked for in the first rows of a sheet, below titles and notes


def _cell_text(cell) -> str:
    """A header cell as shown to the clerk: trimmed, line breaks (wrapping inside the cell) removed."""
    if cell is None or cell == "":
        return ""
    return _LINE_BREAKS.sub("", cell if isinstance(cell, str) else plain_text(cell)).strip()


_LINE_BREAKS = re.compile(r"\s*[\r\n\v\f\u2028\u2029]+\s*")


@dataclass
class Header:
    index: int  # 0-based index of the (lower) header row in the grid; data starts on the next row
    keys: dict[int, str]  # position -> key, first occurrence of each key
    texts: dict[int, str]  # position -> header text as shown, for every non-blank header cell
    duplicates: list[tuple[int, int, str]]  # (position, first position, key)

    @property
    def score(self) -> int:
        return len(self.keys)


# A group header names whose fields stand under it: "负责人信息" over 姓名 / 手机号 is the principal's name and
# phone. The group's name is tried with and without these endings in front of each field's name.
GROUP_ENDINGS = ("信息", "情况", "基本情况")


def _labelled(cells: list, names: dict[str, str]) -> dict[int, tuple[str, str | None]]:
    """position -> (text, key or None) for the non-blank cells of a row."""
    out = {}
    for position, cell in enumerate(cells):
        text = _cell_text(cell)
        if text:
            out[position] = (text, names.get(header_text(text)))
    return out


def _filled(rows: list[list], merged) -> list[list]:
    """Copies of the rows with each merged range's value repeated over the whole range: a file keeps it in
    the top-left cell only, and a group header merged over four columns names all four."""
    if not merged:
        return rows
    rows = [list(cells) for cells in rows]
    for (top, left), (bottom, right) in merged:
        if top >= len(rows) or left < 0 or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for index in range(top, min(bottom, len(rows) - 1) + 1):
            cells = rows[index]
            if len(cells) <= right:
                cells.extend([""] * (right + 1 - len(cells)))
            for position in range(left, right + 1):
                if cells[position] in (None, ""):
                    cells[position] = value
    return rows


def _qualified(group: str, text: str, names: dict[str, str]) -> str | None:
    """The column that ``text`` names under the group header ``group`` ("负责人信息" + "手机号" -> 负责人手机号)."""
    prefixes = [group] + [group[: -len(end)] for end in GROUP_ENDINGS if group.endswith(end) and group != end]
    for prefix in prefixes:
        key = names.get(header_text(prefix + text))
        if key is not None:
            return key
    return None


def _header(index: int, lower: dict, upper: dict, names: dict[str, str]) -> Header:
    """The header of row ``index``; where it names no column, the row above (``upper``) may: a header cell
    merged down over two rows, or a group header ("许可证信息") over the lower row's cells. A field under a
    group is first read together with the group's name (负责人信息 / 手机号 is 负责人手机号); such a match wins
    over the same column named bare under another group (包保干部信息 / 手机号 is then not the entity's phone)."""
    texts: dict[int, str] = {}
    spans: dict[str, int] = {}
    for text, _key in upper.values():
        spans[text] = spans.get(text, 0) + 1
    found = []  # (position, key, qualified, group)
    for position in sorted(lower.keys() | upper.keys()):
        text, key = lower.get(position, ("", None))
        group, group_key = upper.get(position, ("", None))
        qualified = False
        if text and group and group != text and (match := _qualified(group, text, names)) is not None:
            key, qualified = match, True
        elif key is None and group_key is not None and (not text or text == group or spans[group] == 1):
            text, key = group, group_key  # a header merged down, or written in the upper of the two rows
        texts[position] = text or group
        if key is not None:
            found.append((position, key, qualified, group if group != text else ""))
    keys: dict[int, str] = {}
    duplicates = []
    first: dict[str, tuple[int, bool, str]] = {}
    for position, key, qualified, group in sorted(found, key=lambda f: (not f[2], f[0])):
        if key not in first:
            first[key] = (position, qualified, group)
            keys[position] = key
        elif first[key][1] and not qualified and group != first[key][2]:
            continue  # the same name under another group: another person's phone, say; not this column
        else:
            duplicates.append((position, first[key][0], key))
    return Header(index, dict(sorted(keys.items())), texts, sorted(duplicates))


def _find_header(rows: list[list], names: dict[str, str], merged=()) -> Header | None:
    """The row naming most spec columns (the first of equals), or the pair of rows naming more than any
    single row does (two-row headers, merged cells read as repeated over their range)."""
    labelled = [_labelled(cells, names) for cells in _filled(rows, merged)]
    best = None
    for index, lower in enumerate(labelled):
        header = _header(index, lower, {}, names)
        if header.score and (best is None or header.score > best.score):
            best = header
    if best is None:
        return None
    for index in range(1, len(labelled)):
        pair = _header(index, labelled[index], labelled[index - 1], names)
        # the group row may tell apart what the field row alone names twice (two groups' 手机号)
        if pair.score > best.score or (
            pair.index == best.index and pair.score == best.score and len(pair.duplicates) < len(best.duplicates)
        ):
            best = pair
    return best


def header_names(spec: TableSpec) -> dict[str, str]:
    names: dict[str, str] = {}
    for column in spec.columns:
        for name in column.names():
            names.setdefault(name, column.key)
    return names


def choose(grids: Iterable[Grid], names: dict[str, str]):
    """The grid whose header matches most spec columns (the first of equals), with the rows scanned: up to
    HEADER_SCAN_ROWS rows that are not blank (Excel pads the rows above a sheet's first cell)."""
    best = None
    for grid in grids:
        scanned: list[list] = []
        filled = 0
        try:
            for cells in grid.rows:
                scanned.append(cells)
                filled += any(cell != "" for cell in cells)
                if filled >= HEADER_SCAN_ROWS:
                    break
        except csv.Error:
            continue
        header = _find_header(scanned, names, grid.merged)
        if header and (best is None or header.score > best[1].score):
            best = (grid, header, scanned)
    return best
