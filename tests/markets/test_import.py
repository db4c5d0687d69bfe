"""Importing a market's stall list through the import engine (docs/markets.md §1): variant headers, all or nothing,
every bad cell named by row and column, a second upload updates."""

import pytest

from shian.core.models import AuditEntry
from shian.markets.models import Stall
from shian.markets.services import stalls

pytestmark = pytest.mark.django_db


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


HEADER = "摊位编号,统一社会信用代码,摊主,电话,经营品种,入场日期,停用日期"


def test_a_good_list_is_imported_then_updated(world):
    world.operator.uscc = "91370725MA3C00001X"
    world.operator.save()
    data = _csv(HEADER, "A01,,王秀兰,13812345678,蔬菜、水果,2026-01-05,",
                "a02,91370725MA3C00001X,,,畜禽肉,2026/1/5,")  # fmt: skip
    outcome = stalls.import_stalls(actor=world.owner, market=world.market, data=data, filename="摊位.csv")
    assert (outcome.created, outcome.updated) == (2, 0)
    a1, a2 = Stall.objects.order_by("number")
    assert (a1.number, a1.operator_name, a1.operator_phone, a1.categories) == ("A01", "王秀兰", "13812345678",
                                                                              ["vegetables", "fruit"])  # fmt: skip
    assert (a2.number, a2.operator_id) == ("A02", world.operator.pk)
    again = _csv(HEADER, "A01,,王秀兰,13812345678,蔬菜,2026-01-05,", "A02,91370725MA3C00001X,,,畜禽肉,2026-01-05,")
    outcome = stalls.import_stalls(actor=world.station, market=world.market, data=again, filename="摊位.csv")
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 1)
    assert AuditEntry.objects.filter(action="markets.stall_import").count() == 2


def test_a_bad_file_is_refused_whole_with_each_cell_named(world):
    data = _csv(HEADER, "A01,,王秀兰,,蔬菜,2026-01-05,", "A01,,李四,,水果,2026-01-05,",
                "A03,,,,蔬菜,2026-01-05,", "A04,,赵六,,菌菇,2026-01-05,2025-01-01",
                "A05,91370725MA3C00009X,,,蔬菜,2026-01-05,")  # fmt: skip
    with pytest.raises(stalls.ImportRefused) as caught:
        stalls.import_stalls(actor=world.owner, market=world.market, data=data, filename="摊位.csv")
    text = "\n".join(caught.value.messages)
    assert "第 3 行" in text and "与第 2 行的摊位号相同" in text
    assert "第 4 行" in text  # neither an entity nor a name
    assert "菌菇" in text and "停用日期不能早于启用日期" in text
    assert "第 6 行" in text and "没有该信用代码" in text
    assert caught.value.report[:2] == b"PK"  # the annotated workbook
    assert not Stall.objects.exists()


def test_a_number_already_in_another_market_is_fine_but_the_importer_must_reach_the_market(world):
    from django.http import Http404

    data = _csv(HEADER, "A01,,王秀兰,,蔬菜,2026-01-05,")
    with pytest.raises(Http404):
        stalls.import_stalls(actor=world.other_owner, market=world.market, data=data, filename="摊位.csv")
    stalls.import_stalls(actor=world.other_owner, market=world.other_market, data=data, filename="摊位.csv")
    assert Stall.objects.filter(market=world.other_market).count() == 1


def test_the_queries_do_not_grow_with_the_rows(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(n: int, start: int) -> int:
        rows = [f"X{start + k},,摊主{k},,蔬菜,2026-01-05," for k in range(n)]
        with CaptureQueriesContext(connection) as captured:
            stalls.import_stalls(actor=world.owner, market=world.market, data=_csv(HEADER, *rows), filename="x.csv")
        return len(captured)

    assert queries(12, 100) <= queries(2, 0)
