"""Work spread over forked processes that inherit what they need: the parent's rows and objects reach a worker
through the fork (copy-on-write), never pickled; only each item and its result cross a pipe."""

import ctypes
import ctypes.util
import gc
import multiprocessing
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

_WORK: Callable | None = None  # what the workers run: set before the fork, so each worker inherits it


def _inherited(item):
    return _WORK(item)


def forked_map(work: Callable[[T], R], items: list[T], workers: int) -> Iterator[R]:
    """`work(item)` for each item, in the items' order, in `workers` forked processes, a fresh one per item.

    - `work` and everything it reads are inherited at the fork: a worker reading the parent's objects still writes
      their reference counts, which copies the pages holding them, so a worker ends with its item and those
      copies with it (a long-lived worker kept every copy it had made until the pool ended);
    - the parent's objects are out of the cyclic collector's reach while the workers live (`gc.freeze`, as
      Python's gc documentation advises before a fork): a collection in a worker would write to every object's
      header and copy the page it shares with the parent;
    - a worker may not share the parent's database connection: close them before (`connections.close_all()`)
      when the workers use the database;
    - the heap pages the parent holds free are given back first (`release_freed_memory`)."""
    global _WORK
    _WORK = work
    gc.freeze()
    release_freed_memory()  # heap pages the parent freed are not inherited as its own by every worker
    try:
        with multiprocessing.get_context("fork").Pool(workers, maxtasksperchild=1) as pool:
            yield from pool.imap(_inherited, items)
    finally:
        _WORK = None
        gc.unfreeze()


def _malloc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to call
        return None


_TRIM = _malloc_trim()


def release_freed_memory() -> None:
    """Give the pages the C heap holds free back to the system (glibc's `malloc_trim`). numpy's temporaries and
    Python's freed objects leave the heap large after a big computation; in a worker that goes on computing beside
    another, those pages count as its own until it ends (a city's solve: 60 of its 200 MB, docs/performance.md).
    Elsewhere than glibc, nothing happens."""
    if _TRIM is not None:
        _TRIM(0)
