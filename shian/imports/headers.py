"""Finding the header: which table of a file is the spec's, and on which row (or pair of rows) it is named.

Clerks put titles and notes above the header, merge a header cell down over two rows, group columns under a
heading ("许可证信息"), reorder and rename columns. :func:`choose` scans the first ``HEADER_SCAN_ROWS``
non-blank rows of each candidate table and keeps the one whose header names most spec columns (matched
through :func:`~shian.imports.specs.header_text` against each column's header and aliases).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .cells import plain_text
from .files import Grid
from .specs import TableSpec, header_text

__all__ = ["HEADER_SCAN_ROWS", "Header", "choose", "header_names"]

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


def _labelled(cells: list, names: dict[str, str]) -> dict[int, tuple[str, str | None]]:
    """position -> (text, key or None) for the non-blank cells of a row."""
    out = {}
    for position, cell in enumerate(cells):
        text = _cell_text(cell)
        if text:
            out[position] = (text, names.get(header_text(text)))
    return out


def _header(index: int, lower: dict, upper: dict) -> Header:
    """The header of row ``index``; where it names no column, the row above (``upper``) may: a header cell
    merged down over two rows, or a group header ("许可证信息") over the lower row's cells."""
    keys: dict[int, str] = {}
    texts: dict[int, str] = {}
    duplicates = []
    first: dict[str, int] = {}
    for position in sorted(lower.keys() | upper.keys()):
        text, key = lower.get(position, ("", None))
        if key is None and upper.get(position, ("", None))[1] is not None:
            text, key = upper[position]
        texts[position] = text or upper[position][0]
        if key is None:
            continue
        if key in first:
            duplicates.append((position, first[key], key))
        else:
            first[key] = position
            keys[position] = key
    return Header(index, keys, texts, duplicates)


def _find_header(rows: list[list], names: dict[str, str]) -> Header | None:
    """The row naming most spec columns (the first of equals), or the pair of rows naming more than any
    single row does (two-row headers)."""
    labelled = [_labelled(cells, names) for cells in rows]
    best = None
    for index, lower in enumerate(labelled):
        header = _header(index, lower, {})
        if header.score and (best is None or header.score > best.score):
            best = header
    if best is None:
        return None
    for index in range(1, len(labelled)):
        pair = _header(index, labelled[index], labelled[index - 1])
        if pair.score > best.score:
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
        header = _find_header(scanned, names)
        if header and (best is None or header.score > best[1].score):
            best = (grid, header, scanned)
    return best
