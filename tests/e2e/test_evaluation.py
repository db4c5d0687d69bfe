"""Issue 23's "done when" path (docs/evaluation.md §2, §3, §5): in the demo county's evaluation, the 教育局 account on
a 390 px phone opens its open task, uploads a photo and submits; the 食安办 accepts it on the evaluation page and
gives the sub-item its points; the county's score moves by exactly those points (rescaled for 合理缺项)."""

import json
import re

import pytest

from .conftest import _run
from .test_entities import PHONE, _fits
from .test_shell import _login, _watch_console
from .test_visits import _jpeg

pytestmark = pytest.mark.e2e

FIND = """
import json
from shian.evaluation.models import Evaluation, Task
ev = Evaluation.objects.get(region_id="370725")
task = Task.objects.get(evaluation=ev, department_id="education", sub_item__no=62, status="open")
print(json.dumps({"evaluation": ev.pk, "task": task.pk, "sub_item": task.sub_item_id,
                  "points": str(task.sub_item.points)}))
"""
SCORE = re.compile(r"当前得分\s*([\d.]+)\s*/\s*([\d.]+).*合理缺项\s*([\d.]+)", re.S)


def _score(page) -> tuple[float, float, float]:
    found = SCORE.search(page.locator("[data-testid=score]").inner_text())
    assert found, page.locator("[data-testid=score]").inner_text()
    return tuple(float(g) for g in found.groups())


def test_a_department_submits_evidence_on_a_phone_and_the_score_moves(browser, live_url, server_env, tmp_path):
    world = json.loads(_run(server_env, "shell", "-c", FIND).strip().splitlines()[-1])
    task, points = world["task"], float(world["points"])

    office = browser.new_context(locale="zh-CN").new_page()
    _login(office, live_url, "county")
    office.goto(f"{live_url}/evaluation/{world['evaluation']}/")
    before, maximum, not_applicable = _score(office)
    assert "待评定" in office.locator("[data-testid=sub-62]").inner_text()

    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    phone = context.new_page()
    errors = _watch_console(phone)
    _login(phone, live_url, "education")
    phone.goto(f"{live_url}/evaluation/tasks/?sub_item={world['sub_item']}")
    card = phone.locator(f"[data-testid=task-{task}]")
    assert "待办" in card.inner_text()
    _fits(phone)
    card.locator("input[name=file]").set_input_files(_jpeg(tmp_path / "采购台账.jpg"))
    card.locator("textarea[name=note]").fill("学校食堂集中定点采购台账（照片）。")
    card.locator(f"[data-testid=submit-{task}]").click()
    phone.wait_for_url(f"{live_url}/evaluation/tasks/")
    assert "佐证材料已提交" in phone.content()
    phone.goto(f"{live_url}/evaluation/tasks/?sub_item={world['sub_item']}")
    assert "已提交" in phone.locator(f"[data-testid=task-{task}]").inner_text()
    _fits(phone)
    assert not errors

    office.reload()
    sub = office.locator("[data-testid=sub-62]")
    assert "学校食堂集中定点采购台账" in sub.inner_text()  # the evidence is on the page beside the task
    with office.expect_navigation():  # the page posts and comes back to itself
        office.click(f"[data-testid=accept-{task}]")
    assert "已通过" in office.locator("[data-testid=sub-62]").inner_text()
    office.locator("[data-testid=sub-62] input[name=points]").fill(world["points"])
    with office.expect_navigation():
        office.click("[data-testid=points-62]")
    assert "食安办评定" in office.locator("[data-testid=sub-62]").inner_text()
    after, _max, still_na = _score(office)
    assert still_na == not_applicable
    expected = points * maximum / (maximum - not_applicable) if not_applicable else points
    assert after - before == pytest.approx(expected, abs=0.011)
