"""The 问题整改清单 in a cadre's papers lists the real open problems of the entities the cadre guarantees (issue 18
item 8), then blank rows to add new ones by hand; closed problems and other cadres' entities stay out."""

import pytest

from shian.baobao import documents, selectors
from shian.baobao.models import Cadre
from shian.entities.models import Entity
from shian.visits.models import Problem

from .conftest import VILLAGE, guarantee, sign


def rectification_rows(cadre, user):
    guarantees = selectors.cadre_guarantees(user=user, cadre=cadre)
    section = next(s for s in documents.cadre_documents(cadre, guarantees, year=2026) if s.key == "rectification")
    return next(block for block in section.blocks if block.kind == "table").rows


@pytest.mark.django_db
def test_rectification_list_shows_the_open_problems_then_blank_rows(world):
    sign(world, fail={1: "冷藏柜温度超标", 2: "从业人员健康证过期"})
    closed = Problem.objects.get(description__contains="健康证")
    Problem.objects.filter(pk=closed.pk).update(status=Problem.Status.CLOSED)
    other_cadre = Cadre.objects.create(name="李四", level="village", region_id=VILLAGE)
    neighbour = Entity.objects.create(name="隔壁小吃店", region_id=VILLAGE, business_type="catering")
    guarantee(neighbour, other_cadre)
    rows = rectification_rows(world.cadre, world.county_admin)
    assert rows[0][:3] == ("1", "乔官镇老张饭店", Problem.objects.get(status="open").description)
    assert rows[0][3] == "待整改" and rows[0][5] == "张建国"
    assert all("健康证" not in cell and "隔壁" not in cell for row in rows for cell in row)
    blank = rows[1:]
    assert len(blank) == documents.BLANK_RECTIFICATION_ROWS and all(row[1:] == ("",) * 6 for row in blank)
    assert [row[0] for row in rows] == [str(n) for n in range(1, len(rows) + 1)]


@pytest.mark.django_db
def test_rectification_list_is_blank_without_problems(world):
    rows = rectification_rows(world.cadre, world.county_admin)
    assert len(rows) == documents.BLANK_RECTIFICATION_ROWS and rows[0][1] == ""
