"""Tasks (issue 19 item 4, docs/inspections.md §5): a station user sets a task by hand with at least
`inspections.min_inspectors` inspectors of the entity's station; the inspector's list shows open tasks, soonest
first, in one query; pages and API answer."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shian.accounts.models import Role
from shian.core.models import AuditEntry
from shian.inspections.models import InspectionTask
from shian.inspections.selectors.tasks import bucket, task_list
from shian.inspections.services.tasks import create_task

from .inspecting_world import iworld_fixture, make_task  # noqa: F401

TOMORROW = datetime.date.today() + datetime.timedelta(days=1)


def test_a_station_user_sets_a_task_with_two_station_inspectors(iworld):
    task = create_task(actor=iworld.staff, entity=iworld.entity, kind="flying", due_on=TOMORROW,
                       inspector_ids=[iworld.a.pk, iworld.b.pk], note="投诉线索")  # fmt: skip
    assert task.station == iworld.station and set(task.inspectors.all()) == {iworld.a, iworld.b}
    assert AuditEntry.objects.filter(action="task.create", object_id=str(task.pk)).exists()


def test_an_inspector_of_another_station_is_refused_by_name(iworld):
    with pytest.raises(ValidationError) as exc:
        create_task(actor=iworld.staff, entity=iworld.entity, kind="key", due_on=TOMORROW,
                    inspector_ids=[iworld.a.pk, iworld.stranger.pk])  # fmt: skip
    assert "赵外所" in str(exc.value) and "宝都市场监管所" in str(exc.value)
    assert InspectionTask.objects.count() == 1  # the world's own task only


def test_fewer_than_the_minimum_inspectors_is_refused(iworld):
    with pytest.raises(ValidationError, match="至少 2 名"):
        create_task(actor=iworld.staff, entity=iworld.entity, kind="key", due_on=TOMORROW, inspector_ids=[iworld.a.pk])


def test_only_manual_kinds_and_a_date(iworld):
    with pytest.raises(ValidationError) as exc:
        create_task(actor=iworld.staff, entity=iworld.entity, kind="random", due_on=None,
                    inspector_ids=[iworld.a.pk, iworld.b.pk])  # fmt: skip
    assert "检查类型" in str(exc.value) and "完成期限" in str(exc.value)


def test_a_grid_worker_cannot_set_tasks(iworld, make_user):
    grid = make_user(Role.GRID_WORKER, "370725001001")
    with pytest.raises(PermissionDenied):
        create_task(actor=grid, entity=iworld.entity, kind="key", due_on=TOMORROW,
                    inspector_ids=[iworld.a.pk, iworld.b.pk])  # fmt: skip


def test_the_inspector_sees_own_open_tasks_soonest_first(iworld):
    today = timezone.localdate()
    late = make_task(iworld, iworld.entity, [iworld.a, iworld.b], due=today - datetime.timedelta(days=3))
    later = make_task(iworld, iworld.neighbour, [iworld.a, iworld.b], due=today + datetime.timedelta(days=40))
    make_task(iworld, iworld.neighbour, [iworld.b, iworld.staff], due=today)  # not a's
    done = make_task(iworld, iworld.entity, [iworld.a, iworld.b], due=today)
    InspectionTask.objects.filter(pk=done.pk).update(status=InspectionTask.Status.DONE)
    rows = list(task_list(user=iworld.a))
    assert [t.pk for t in rows] == [late.pk, iworld.task.pk, later.pk]
    assert [bucket(t, today) for t in rows][:2] == ["overdue", "today"]
    # the station's tasks, not only one's own, on request (the page's "本所全部任务")
    assert len(task_list(user=iworld.staff, mine=False)) == 4
    assert len(task_list(user=iworld.staff)) == 1


def test_the_task_list_is_one_query(iworld):
    for n in range(5):
        make_task(iworld, iworld.entity, [iworld.a, iworld.b], due=TOMORROW + datetime.timedelta(days=n))
    with CaptureQueriesContext(connection) as queries:
        rows = [(t.entity.name, t.region.name, t.station.name) for t in task_list(user=iworld.a, mine=True)]
    assert len(rows) == 6 and len(queries) == 1  # entity, region and station joined


def test_task_pages_and_api(iworld, client):
    client.force_login(iworld.a)
    page = client.get(reverse("inspections:tasks"))
    assert page.status_code == 200 and "老张饭店" in page.content.decode()
    api = client.get("/api/v1/inspections/tasks").json()
    assert api["count"] == 1 and api["items"][0]["entity_name"] == "老张饭店"
    detail = client.get(f"/api/v1/inspections/tasks/{iworld.task.pk}").json()
    assert detail["checklist"]["kind"] == "insp_catering" and len(detail["inspectors"]) == 2
    assert detail["history"]["samples_note"] == "抽检数据待接入"
    form = client.get(reverse("inspections:inspect", args=[iworld.task.pk])).content.decode()
    assert "重点项" in form and "data-draft-key" in form and "抽检数据待接入" in form
    assert form.count("data-signature>") == 2 and "王检查" in form and "李检查" in form


def test_task_form_page_creates_a_task(iworld, client):
    client.force_login(iworld.staff)
    url = reverse("inspections:task_new", args=[iworld.entity.pk])
    assert "王检查" in client.get(url).content.decode()
    refused = client.post(url, {"kind": "key", "due_on": TOMORROW.isoformat(), "inspectors": [iworld.a.pk]})
    assert refused.status_code == 422 and "至少 2 名" in refused.content.decode()
    made = client.post(url, {"kind": "key", "due_on": TOMORROW.isoformat(), "inspectors": [iworld.a.pk, iworld.b.pk]})
    assert made.status_code == 302 and InspectionTask.objects.count() == 2
