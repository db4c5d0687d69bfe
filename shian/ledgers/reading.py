"""Reading a ledger file: the import engine's reader (:func:`shian.imports.reading.read_sheet`) with a
ledger's spec, given as the spec or its kind."""

from shian.imports.reading import Sheet, read_sheet
from shian.imports.specs import TableSpec

from .specs import SPECS


def read_ledger(source, filename: str, spec: TableSpec | str) -> Sheet:
    """Read ``source`` (bytes, a path or a binary file object) as the ledger ``spec`` (a spec or its kind).
    Raises :class:`~shian.imports.cells.ImportFileError` when the file cannot be read as that ledger."""
    return read_sheet(source, filename, SPECS[spec] if isinstance(spec, str) else spec)
