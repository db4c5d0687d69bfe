"""包保 change items (docs/domain.md §4.5): report within 15 working days, reassign within 7, overdue alerts."""

import datetime
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import Http404
from django.test import Client
from django.utils import timezone

from shian.accounts.models import Role
from shian.baobao import selectors, services
from shian.baobao.models import AssignmentRun, Cadre, Change, Guarantee
from shian.core.models import AuditEntry
from shian.entities.models import Entity

CST = ZoneInfo("Asia/Shanghai")
VILLAGE, OTHER_VILLAGE = "370725001001", "370725107201"


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=CST)


def end_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=CST)


@pytest.fixture
def clock(monkeypatch):
    """Set "now" for the services, deadlines and selectors (timezone.now is looked up at each call)."""

    def set_now(value: datetime.datetime):
        monkeypatch.setattr(timezone, "now", lambda: value)

    return set_now


@pytest.fixture
def admin(make_user):
    return make_user(Role.COUNTY_ADMIN, "370725")


def shop(name: str, region: str = VILLAGE) -> Entity:
    return Entity.objects.create(
        name=name, business_type="sales", sub_type="small_shop", address="站前街 1 号", region_id=region
    )


@pytest.fixture
def cadres(regions):
    """Village cadres of 站前社区, a county cadre, and a township cadre of 乔官镇 whose village has nobody."""
    return {
        "village": Cadre.objects.create(name="张村干", level="village", region_id=VILLAGE),
        "village2": Cadre.objects.create(name="李村干", level="village", region_id=VILLAGE),
        "county": Cadre.objects.create(name="王县干", level="county", region_id="370725"),
        "township": Cadre.objects.create(name="赵乡干", level="township", region_id="370725107"),
    }


def publish(actor) -> AssignmentRun:
    services.grade_entities(actor=actor, region_code="370725")
    return services.publish_run(actor=actor, run=services.assign_cadres(actor=actor, region_code="370725"))


def open_kinds() -> list[tuple[str, int | None]]:
    rows = Change.objects.filter(resolved_at__isnull=True).values_list("kind", "entity_id")
    return sorted(rows, key=lambda row: (row[0], row[1] or 0))


# --- deadlines on the working-day clock ------------------------------------------------------------------------


def test_cadre_left_deadlines_cross_national_day(admin, cadres, clock):
    """Left Fri 2024-09-27, recorded that morning. Working days after it: Sun 9-29 (make-up day) 1, Mon 9-30 2,
    10-1..10-7 National Day off, Tue 10-8 3, 10-9 4, 10-10 5, 10-11 6, Sat 10-12 (make-up day) 7; then Mon 10-14
    8 .. Fri 10-18 12, Mon 10-21 13, 10-22 14, Wed 10-23 15."""
    shop("站前食杂店")
    publish(admin)
    clock(at(2024, 9, 27, 10, 0))
    holder = Guarantee.objects.get().cadre
    services.record_cadre_left(actor=admin, cadre=holder, left_on=datetime.date(2024, 9, 27))
    change = Change.objects.get()
    assert (change.kind, change.cadre_id, change.entity_id) == ("cadre_left", holder.pk, None)
    assert change.region_id == VILLAGE and change.occurred_on == datetime.date(2024, 9, 27)
    assert change.report_due == end_of(datetime.date(2024, 10, 23))
    assert change.reassign_due == end_of(datetime.date(2024, 10, 12))
    assert change.report_rule["code"] == "baobao.status_report" and change.report_rule["amount"] == 15
    assert change.reassign_rule["code"] == "baobao.reassign" and change.reassign_rule["unit"] == "WD"
    assert not change.report_late and change.resolved_at is None
    assert AuditEntry.objects.filter(action="cadre.left", object_id=str(holder.pk)).exists()


def test_report_late_when_recorded_after_the_report_deadline(admin, cadres, clock):
    """Left Mon 2024-09-02: 15 working days run through Sat 9-14 (make-up day, the 10th) and past the Mid-Autumn
    holiday 9-15..9-17 to Tue 9-24; recorded on 9-27, so the report was late."""
    shop("站前食杂店")
    publish(admin)
    clock(at(2024, 9, 27, 10, 0))
    services.record_cadre_left(actor=admin, cadre=Guarantee.objects.get().cadre, left_on=datetime.date(2024, 9, 2))
    change = Change.objects.get()
    assert change.report_due == end_of(datetime.date(2024, 9, 24))
    assert change.report_late


def test_cadre_guaranteeing_nobody_is_settled_at_once(admin, cadres):
    services.record_cadre_left(actor=admin, cadre=cadres["county"], left_on=datetime.date(2026, 11, 2))
    change = Change.objects.get()
    assert change.resolved_at is not None and change.resolved_by_run is None


def test_overdue_selector_follows_the_reassign_deadline(admin, cadres, clock, make_user):
    shop("站前食杂店")
    publish(admin)
    clock(at(2024, 9, 27, 10, 0))
    services.record_cadre_left(actor=admin, cadre=Guarantee.objects.get().cadre, left_on=datetime.date(2024, 9, 27))
    clock(at(2024, 10, 12, 18, 0))  # the make-up Saturday is the last day
    assert selectors.overdue_change_count(user=admin, region_code="370725") == 0
    assert selectors.change_list(user=admin, state="open").count() == 1
    clock(at(2024, 10, 14, 9, 0))
    assert selectors.overdue_change_count(user=admin, region_code="370725") == 1
    assert selectors.overdue_change_count(user=admin, region_code="370725107") == 0
    assert selectors.change_list(user=admin, state="overdue").get().reassign_overdue()
    assert selectors.overdue_change_count(user=make_user(Role.COUNTY_ADMIN, "370304"), region_code=None) == 0


# --- detection and resolution ----------------------------------------------------------------------------------


def test_detect_finds_each_kind_once(admin, cadres, clock):
    clock(at(2026, 11, 25, 9, 0))
    first, second = shop("站前食杂店"), shop("站前便利店")
    services.grade_entities(actor=admin, region_code="370725")
    assert services.detect_changes(actor=admin) == {"entity_new": 2, "entity_closed": 0, "grade_changed": 0}
    assert services.detect_changes(actor=admin) == {"entity_new": 0, "entity_closed": 0, "grade_changed": 0}
    new = Change.objects.get(entity=first)
    assert new.occurred_on == timezone.localdate(first.created_at) and new.region_id == VILLAGE
    assert new.reassign_due == end_of(datetime.date(2026, 12, 4))  # Wed 11-25 + 7 working days
    publish(admin)
    assert open_kinds() == []

    Entity.objects.filter(pk=first.pk).update(status=Entity.Status.DEREGISTERED)
    services.override_grade(actor=admin, entity=second, grade="B", reason="县领导联系企业")
    third = shop("站前小卖部")
    services.grade_entities(actor=admin, region_code="370725")
    counts = services.detect_changes(actor=admin, region_code="370725")
    assert counts == {"entity_new": 1, "entity_closed": 1, "grade_changed": 1}
    assert open_kinds() == [("entity_closed", first.pk), ("entity_new", third.pk), ("grade_changed", second.pk)]
    regraded = Change.objects.get(kind="grade_changed")
    assert regraded.cadre.level == "village" and regraded.occurred_on == datetime.date(2026, 11, 25)
    assert services.detect_changes(actor=admin) == {"entity_new": 0, "entity_closed": 0, "grade_changed": 0}
    batches = AuditEntry.objects.filter(action="baobao.detect_changes").order_by("pk")
    assert batches.count() == 4 and batches[2].after["counts"] == counts and batches[2].region_code == "370725"


def test_fallback_to_a_higher_level_is_not_a_grade_change(admin, cadres):
    """乔官村 has no village cadre: its shop goes one level up to 乔官镇's township cadre, which is a shortage,
    not a change of grade."""
    shop("乔官食杂店", OTHER_VILLAGE)
    publish(admin)
    assert Guarantee.objects.get().cadre == cadres["township"]
    assert services.detect_changes(actor=admin)["grade_changed"] == 0


def test_publish_resolves_what_the_run_settles(admin, cadres, make_user):
    first, second, third = shop("站前食杂店"), shop("站前便利店"), shop("站前小卖部")
    services.grade_entities(actor=admin, region_code="370725")
    services.detect_changes(actor=admin)
    run = publish(admin)
    assert not Change.objects.filter(resolved_at__isnull=True).exists()
    assert set(Change.objects.values_list("resolved_by_run", flat=True)) == {run.pk}

    Entity.objects.filter(pk=first.pk).update(status=Entity.Status.DEREGISTERED)
    services.override_grade(actor=admin, entity=second, grade="B", reason="县领导联系企业")
    services.detect_changes(actor=admin)
    holder = Guarantee.objects.get(entity=third).cadre
    services.record_cadre_left(actor=admin, cadre=holder, left_on=datetime.date(2026, 11, 20))
    # a closed entity elsewhere whose guarantee is gone stays open: it is not under this run's region
    elsewhere = make_user(Role.COUNTY_ADMIN, "370304")
    Cadre.objects.create(name="钱乡干", level="township", region_id="370304001")
    far = shop("博山食杂店", "370304001")
    services.grade_entities(actor=elsewhere, region_code="370304")
    services.detect_changes(actor=elsewhere)
    services.publish_run(actor=elsewhere, run=services.assign_cadres(actor=elsewhere, region_code="370304"))
    Entity.objects.filter(pk=far.pk).update(status=Entity.Status.DEREGISTERED)
    services.detect_changes(actor=elsewhere)
    Guarantee.objects.filter(entity=far).delete()
    assert len(open_kinds()) == 4

    run = publish(admin)
    assert open_kinds() == [("entity_closed", far.pk)]
    settled = Change.objects.filter(resolved_by_run=run)
    assert sorted(settled.values_list("kind", flat=True)) == ["cadre_left", "entity_closed", "grade_changed"]
    assert Guarantee.objects.get(entity=second).cadre == cadres["county"]
    assert AuditEntry.objects.filter(action="baobao.publish").latest("pk").after["changes_resolved"] == 3


def test_detect_checks_role_and_jurisdiction(admin, make_user, regions):
    with pytest.raises(PermissionDenied):
        services.detect_changes(actor=make_user(Role.STATION_STAFF, "370725001"))
    with pytest.raises(Http404):
        services.detect_changes(actor=admin, region_code="370304")


def test_command_prints_json_and_refuses_clearly(admin, cadres, capsys):
    shop("站前食杂店")
    services.grade_entities(actor=admin, region_code="370725")
    call_command("detect_changes", "--region", "370725", "--actor", admin.username, "--json")
    assert json.loads(capsys.readouterr().out) == {"entity_new": 1, "entity_closed": 0, "grade_changed": 0}
    call_command("detect_changes", "--actor", admin.username)
    assert "新增主体 0" in capsys.readouterr().out
    with pytest.raises(CommandError, match="无法检测变动"):
        call_command("detect_changes", "--region", "110105", "--actor", admin.username)


# --- web page and API ------------------------------------------------------------------------------------------


@pytest.fixture
def overdue_change(admin, cadres, clock):
    """One shop recorded long ago, so its reassignment is overdue now."""
    clock(at(2024, 9, 27, 10, 0))
    entity = shop("站前食杂店")
    services.grade_entities(actor=admin, region_code="370725")
    services.detect_changes(actor=admin)
    clock(at(2024, 10, 14, 9, 0))
    return entity


def test_page_lists_and_flags_overdue(admin, overdue_change):
    client = Client()
    client.force_login(admin)
    body = client.get("/baobao/changes/").content.decode()
    assert "站前食杂店" in body and 'class="urgent"' in body and "table-wrap" in body
    assert 'data-testid="overdue"' in body and 'data-testid="detect-changes"' in body
    assert "2024-10-12" in body  # reassign due: the make-up Saturday
    all_rows = client.get("/baobao/changes/?state=all").content.decode()
    assert "站前食杂店" in all_rows


def test_page_is_scoped_and_detection_needs_the_role(admin, overdue_change, make_user):
    client = Client()
    client.force_login(make_user(Role.COUNTY_ADMIN, "370304"))
    body = client.get("/baobao/changes/?state=all").content.decode()
    assert "站前食杂店" not in body and "没有符合条件的变动事项" in body
    staff = make_user(Role.STATION_STAFF, "370725001")
    client.force_login(staff)
    body = client.get("/baobao/changes/").content.decode()
    assert "站前食杂店" in body and 'data-testid="detect-changes"' not in body
    assert client.post("/baobao/changes/").status_code == 403
    client.force_login(make_user(Role.ENTERPRISE, VILLAGE))
    assert "站前食杂店" not in client.get("/baobao/changes/").content.decode()


def test_page_button_runs_detection(admin, cadres):
    shop("站前食杂店")
    services.grade_entities(actor=admin, region_code="370725")
    client = Client()
    client.force_login(admin)
    response = client.post("/baobao/changes/?state=all", follow=True)
    assert response.redirect_chain[-1][0] == "/baobao/changes/?state=all"
    assert "新增主体 1 个" in response.content.decode()
    assert Change.objects.filter(kind="entity_new").count() == 1


def test_api_lists_scoped_with_flags(admin, overdue_change, make_user):
    client = Client()
    client.force_login(make_user(Role.TOWNSHIP_ADMIN, "370725001"))
    body = client.get("/api/v1/baobao/changes?state=overdue").json()
    assert body["count"] == 1
    row = body["items"][0]
    assert (row["kind"], row["kind_label"], row["entity_id"], row["entity_name"]) == (
        "entity_new",
        "新增主体",
        overdue_change.pk,
        "站前食杂店",
    )
    assert row["region_code"] == VILLAGE and row["overdue"] is True and row["resolved_at"] is None
    assert row["cadre_id"] is None and row["report_late"] is False
    assert datetime.datetime.fromisoformat(row["reassign_due"]) == end_of(datetime.date(2024, 10, 12))
    client.force_login(make_user(Role.TOWNSHIP_ADMIN, "370725107"))
    assert client.get("/api/v1/baobao/changes?state=all").json()["count"] == 0
    client.force_login(make_user(Role.COUNTY_ADMIN, "370304"))
    assert client.get("/api/v1/baobao/changes?state=all&region=370725").json()["count"] == 0
    assert client.get("/api/v1/baobao/changes?state=late").status_code == 422
