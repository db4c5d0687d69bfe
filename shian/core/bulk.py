"""Bulk work over many ids without one query per row and without passing a database's parameter limit."""

from collections.abc import Iterable, Iterator

CHUNK = 5000  # ids per IN (...) query: far below SQLite's and PostgreSQL's parameter limits


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
