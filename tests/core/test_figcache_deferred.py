"""Deferred invalidation of the figures cache (shian/core/figcache.py `deferred`): a run that writes many audited
rows moves each touched county's generation on once, at the end of the run, also when the run raises; the
deadline checkers (shian/core/deadlinechecks.py) run inside such a block."""

import datetime

import pytest
from django.core.cache import caches
from django.utils import timezone

from shian.core import audit, deadlinechecks, figcache

pytestmark = pytest.mark.django_db

YIYUAN, BOSHAN, ZIBO = "370725", "370304", "3703"


class Counter:
    """Figures of a region, counted afresh each time `remember` does not find them in the cache."""

    def __init__(self):
        self.counts: dict[str, int] = {}

    def figures(self, code: str) -> bool:
        """Whether `remember` read the figures of `code` from the cache."""

        def compute():
            self.counts[code] = self.counts.get(code, 0) + 1
            return self.counts[code]

        return figcache.remember(kind="test", code=code, key=(), compute=compute)[2]


def write(code: str, n: int = 1) -> None:
    for i in range(n):
        audit.record(actor=None, action="test.write", object_type="test", object_id=str(i), region_code=code)


@pytest.fixture
def generation_writes(monkeypatch):
    """How many times the figures cache's generations were written (one `set_many` each)."""
    cache = caches[figcache.ALIAS]
    calls = []
    real = cache.set_many

    def counting(data, timeout=None, **kwargs):
        if any(key.startswith("figures:gen") for key in data):
            calls.append(sorted(data))
        return real(data, timeout, **kwargs)

    monkeypatch.setattr(cache, "set_many", counting)
    return calls


def test_an_audited_write_outside_a_block_drops_its_county_figures_at_once():
    figures = Counter()
    figures.figures(YIYUAN)
    assert figures.figures(YIYUAN)
    write(YIYUAN)
    assert not figures.figures(YIYUAN)


def test_inside_the_block_nothing_is_invalidated_until_it_ends(generation_writes):
    figures = Counter()
    figures.figures(YIYUAN), figures.figures(BOSHAN), figures.figures(ZIBO)
    with figcache.deferred():
        write(YIYUAN + "001000", 30)
        write(BOSHAN, 20)
        assert figures.figures(YIYUAN) and figures.figures(BOSHAN) and figures.figures(ZIBO)
        assert generation_writes == []
    assert len(generation_writes) == 1  # every distinct generation moved on together, once
    assert not figures.figures(YIYUAN) and not figures.figures(BOSHAN) and not figures.figures(ZIBO)
    assert figures.counts == {YIYUAN: 2, BOSHAN: 2, ZIBO: 2}


def test_after_the_block_only_the_touched_counties_are_recounted():
    figures = Counter()
    figures.figures(YIYUAN), figures.figures(BOSHAN)
    with figcache.deferred():
        write(BOSHAN, 5)
    assert figures.figures(YIYUAN)  # untouched: still the cached count
    assert not figures.figures(BOSHAN)


def test_a_block_that_raises_still_invalidates_what_was_written():
    figures = Counter()
    figures.figures(YIYUAN)
    with pytest.raises(RuntimeError), figcache.deferred():
        write(YIYUAN, 3)
        raise RuntimeError("the run failed half way")
    assert not figures.figures(YIYUAN)
    write(YIYUAN)  # and the next write outside any block invalidates at once again
    assert not figures.figures(YIYUAN)


def test_nested_blocks_invalidate_once_when_the_outermost_ends(generation_writes):
    figures = Counter()
    figures.figures(YIYUAN), figures.figures(BOSHAN)
    with figcache.deferred():
        with figcache.deferred():
            write(YIYUAN, 2)
        assert figures.figures(YIYUAN) and generation_writes == []  # the inner end hands its writes outwards
        with pytest.raises(ValueError), figcache.deferred():
            write(BOSHAN)
            raise ValueError
        assert figures.figures(BOSHAN) and generation_writes == []
    assert len(generation_writes) == 1
    assert not figures.figures(YIYUAN) and not figures.figures(BOSHAN)


def test_a_write_with_no_region_inside_the_block_drops_every_region():
    figures = Counter()
    figures.figures(YIYUAN), figures.figures(BOSHAN)
    with figcache.deferred():
        write("")
    assert not figures.figures(YIYUAN) and not figures.figures(BOSHAN)


def test_invalidate_many_moves_each_generation_once(generation_writes):
    figures = Counter()
    figures.figures(YIYUAN), figures.figures(BOSHAN)
    figcache.invalidate_many([YIYUAN + "001", YIYUAN + "002", YIYUAN])
    assert len(generation_writes) == 1
    assert not figures.figures(YIYUAN) and figures.figures(BOSHAN)


def test_a_deadline_run_invalidates_each_touched_county_once_at_its_end(monkeypatch, generation_writes):
    figures = Counter()
    figures.figures(YIYUAN), figures.figures(BOSHAN)
    seen_inside = []

    def checker(now):
        write(YIYUAN + "001000", 40)
        write(BOSHAN, 10)
        seen_inside.append((figures.figures(YIYUAN), figures.figures(BOSHAN)))
        return deadlinechecks.Counts(checked=50, overdue=50)

    def failing(now):
        write(YIYUAN, 1)
        raise RuntimeError("checker failed")

    monkeypatch.setattr(deadlinechecks, "_CHECKERS", {"test.many": checker})
    total, _each = deadlinechecks.run_all(timezone.now())
    assert total.overdue == 50 and seen_inside == [(True, True)]
    assert len(generation_writes) == 1
    assert not figures.figures(YIYUAN) and not figures.figures(BOSHAN)

    monkeypatch.setattr(deadlinechecks, "_CHECKERS", {"test.failing": failing})
    with pytest.raises(RuntimeError):
        deadlinechecks.run_all(timezone.now() + datetime.timedelta(hours=1))
    assert not figures.figures(YIYUAN) and figures.figures(BOSHAN)
