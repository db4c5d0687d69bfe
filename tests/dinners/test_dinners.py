"""Rural collective dinners (docs/dinners.md): the report refused without a chef and on other bad input with nothing
written, the grade from the rule store, the guidance task for the village's grid worker and its checklist flow,
scoping, the chef registry's masked identity and certificate reminder, and the figures."""

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from shian.accounts.models import Role
from shian.checklists.models import Checklist
from shian.core.models import AuditEntry, DeadlineRule, Notification
from shian.dinners import kpis
from shian.dinners.models import GUIDANCE_KIND, Chef, Dinner, Grade, GuidanceTask, GuidanceVisit
from shian.dinners.selectors import dinners as selectors
from shian.dinners.services import chefs, dinners, guidance
from shian.regions.models import Grid

pytestmark = pytest.mark.django_db
VILLAGE, OTHER_VILLAGE = "370725001001", "370725107201"
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def world(make_user):
    station = make_user(Role.STATION_STAFF, "370725001", name="所员")
    county = make_user(Role.COUNTY_ADMIN, "370725", name="县管理员")
    worker = make_user(Role.GRID_WORKER, VILLAGE, name="网格员甲")
    Grid.objects.create(code="G1", name="站前网格", kind="community", region_id=VILLAGE, worker=worker)
    chef = chefs.add_chef(actor=county, region_code="370725", name="王厨", id_number=ID_NUMBER, phone="13812345678",
                          cert_expires_on=timezone.localdate() + datetime.timedelta(days=200))  # fmt: skip
    return {"station": station, "county": county, "worker": worker, "chef": chef, "make_user": make_user}


def _report(world, actor=None, **changes):
    values = {"region_code": VILLAGE, "place": "村委会大院", "held_on": timezone.localdate(), "host_name": "李四",
              "host_phone": "13912345678", "diners": 150, "tables": 15, "chef_id": world["chef"].pk,
              "menu": "八大碗", "sources": "县城农贸市场", "insured": True, "insurer": "人保", "policy_number": "P-1"}  # fmt: skip
    return dinners.report_dinner(actor=actor or world["worker"], **(values | changes))


def _messages(exc) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


def test_a_report_without_a_chef_is_refused_with_a_clear_message_and_nothing_written(world):
    with pytest.raises(ValidationError) as exc:
        _report(world, chef_id=None)
    assert "chef_id" in exc.value.message_dict
    assert "厨师" in _messages(exc) and "名录" in _messages(exc)
    assert not Dinner.objects.exists() and not GuidanceTask.objects.exists()


def test_bad_input_names_every_field_at_once(world):
    with pytest.raises(ValidationError) as exc:
        _report(
            world,
            actor=world["county"],
            region_code="370725001",
            diners=0,
            menu="",
            insured=True,
            policy_number="",
            host_phone="12",
        )
    assert {"region_code", "diners", "menu", "policy_number", "host_phone"} <= set(exc.value.message_dict)
    assert "村（社区）" in " ".join(exc.value.message_dict["region_code"])
    assert not Dinner.objects.exists()


def test_a_chef_with_an_expired_certificate_or_of_another_county_is_refused(world):
    chef = world["chef"]
    with pytest.raises(ValidationError) as exc:
        _report(world, held_on=chef.cert_expires_on + datetime.timedelta(days=1))
    assert "已过期" in _messages(exc)
    far = Chef.objects.create(name="外县厨", id_number="110105194912310021", phone="13800000000", region_id="370304",
                              cert_expires_on=chef.cert_expires_on, created_by=world["county"])  # fmt: skip
    with pytest.raises(ValidationError):
        _report(world, chef_id=far.pk)


def test_the_grade_follows_the_diners_under_the_rules_in_force_in_the_village(world):
    assert _report(world, diners=40).grade == Grade.FILED
    assert _report(world, diners=100).grade == Grade.GUIDED
    key = _report(world, diners=300)
    assert key.grade == Grade.KEY
    assert key.grade_rules["guidance"]["code"] == "dinners.guidance_diners"
    DeadlineRule.objects.create(code="dinners.guidance_diners", name="指导", region_prefix="370725", version=2,
                                unit="n", amount=30, valid_from=datetime.date(2020, 1, 1))  # fmt: skip
    lowered = _report(world, diners=40)
    assert lowered.grade == Grade.GUIDED and lowered.grade_rules["guidance"]["amount"] == 30


def test_a_filed_dinner_opens_no_task_and_a_guided_one_goes_to_the_grid_worker(world):
    assert not hasattr(_report(world, diners=20), "task") or not GuidanceTask.objects.exists()
    dinner = _report(world)
    task = GuidanceTask.objects.get(dinner=dinner)
    assert task.assignee == world["worker"] and task.status == GuidanceTask.Status.OPEN
    assert Notification.objects.filter(user=world["worker"], kind="dinners.task").count() == 1
    assert AuditEntry.objects.filter(action="dinners.report", object_id=str(dinner.pk)).exists()


def test_without_a_grid_worker_the_station_staff_above_the_village_gets_the_task(world):
    dinner = _report(world, region_code=OTHER_VILLAGE, actor=world["county"])
    assert dinner.task.assignee is None  # no grid and no station staff above 乔官村
    near = world["make_user"](Role.STATION_STAFF, "370725107", name="乔官所")
    assert _report(world, region_code=OTHER_VILLAGE, actor=world["county"]).task.assignee == near


def test_the_grid_worker_completes_the_guidance_checklist_and_the_task_is_done(world):
    task = _report(world).task
    checklist = guidance.checklist_for(task)
    assert checklist.kind == GUIDANCE_KIND and checklist.version == 1 and checklist.region is None
    items = list(checklist.items.order_by("position"))
    answers = [{"item": i.pk, "result": "pass"} for i in items]
    answers[0] = {"item": items[0].pk, "result": "fail", "note": "帮厨无健康证明"}
    key = uuid.uuid4()
    visit, created = guidance.sign_guidance(actor=world["worker"], task=task, client_key=key,
                                            checklist_id=checklist.pk, answers=answers, host_signer="李四")  # fmt: skip
    assert created and visit.failed == 1 and visit.answers.count() == len(items)
    task.refresh_from_db()
    assert task.status == GuidanceTask.Status.DONE and task.done_at
    again, created = guidance.sign_guidance(actor=world["worker"], task=task, client_key=key,
                                            checklist_id=checklist.pk, answers=answers, host_signer="李四")  # fmt: skip
    assert again == visit and not created  # the phone's resend
    with pytest.raises(ValidationError):  # a second record on a done task
        guidance.sign_guidance(actor=world["worker"], task=task, client_key=uuid.uuid4(), checklist_id=checklist.pk,
                               answers=answers, host_signer="李四")  # fmt: skip


def test_an_incomplete_or_outdated_checklist_is_refused_and_nothing_is_signed(world):
    task = _report(world).task
    checklist = guidance.checklist_for(task)
    first = checklist.items.order_by("position").first()
    with pytest.raises(ValidationError) as exc:
        guidance.sign_guidance(actor=world["worker"], task=task, client_key=uuid.uuid4(), checklist_id=checklist.pk,
                               answers=[{"item": first.pk, "result": "fail"}], host_signer="")  # fmt: skip
    assert {"answers", "host_signer"} <= set(exc.value.message_dict)
    newer = Checklist.objects.create(kind=GUIDANCE_KIND, region_id="370725", version=2, title="县版")
    newer.items.create(position=1, category="厨师", text="持证", severity="key")
    with pytest.raises(ValidationError) as exc:
        guidance.sign_guidance(actor=world["worker"], task=task, client_key=uuid.uuid4(), checklist_id=checklist.pk,
                               answers=[], host_signer="李四")  # fmt: skip
    assert "第 2 版" in _messages(exc)
    assert not GuidanceVisit.objects.exists()


def test_someone_else_may_not_sign_and_an_outsider_gets_404(world):
    task = _report(world).task
    cadre = world["make_user"](Role.CADRE, VILLAGE)
    with pytest.raises(PermissionDenied):
        guidance.sign_guidance(actor=cadre, task=task, client_key=uuid.uuid4(), checklist_id=0, answers=[],
                               host_signer="x")  # fmt: skip
    stranger = world["make_user"](Role.STATION_STAFF, "370304001")
    with pytest.raises(Http404):
        selectors.task_get(user=stranger, pk=task.pk)


def test_lists_are_scoped_to_the_jurisdiction(world):
    mine = _report(world)
    theirs = _report(world, region_code=OTHER_VILLAGE, actor=world["county"])
    assert list(selectors.dinner_list(user=world["worker"])) == [mine]
    assert set(selectors.dinner_list(user=world["county"])) == {mine, theirs}
    with pytest.raises(Http404):
        selectors.dinner_get(user=world["worker"], pk=theirs.pk)
    with pytest.raises(Http404):
        dinners.report_dinner(actor=world["worker"], region_code=OTHER_VILLAGE)
    assert list(selectors.task_list(user=world["worker"], mine=True)) == [mine.task]
    enterprise = world["make_user"](Role.ENTERPRISE, VILLAGE)
    with pytest.raises(PermissionDenied):
        _report(world, actor=enterprise)


def test_the_chef_registry_checks_ids_keeps_them_masked_in_audit_and_refuses_duplicates(world):
    with pytest.raises(ValidationError) as exc:
        chefs.add_chef(actor=world["county"], region_code="370725", name="张", id_number=ID_NUMBER, phone="138",
                       cert_expires_on=None)  # fmt: skip
    assert {"id_number", "phone", "cert_expires_on"} <= set(exc.value.message_dict)
    entry = AuditEntry.objects.get(action="dinners.chef_add")
    assert entry.after["id_number"] == "1101**********002X" and entry.after["phone"] == "138****5678"
    with pytest.raises(PermissionDenied):
        chefs.add_chef(actor=world["worker"], region_code=VILLAGE)
    training = chefs.add_training(actor=world["county"], chef=world["chef"],
                                  held_on=timezone.localdate(), title="集体聚餐食品安全", hours=4)  # fmt: skip
    assert training.chef.trainings.count() == 1


def test_the_certificate_reminder_tells_the_station_once_per_expiry(world):
    chef = world["chef"]
    assert chefs.remind_expiring(timezone.now()) == 0  # 200 days away
    Chef.objects.filter(pk=chef.pk).update(cert_expires_on=timezone.localdate() + datetime.timedelta(days=10))
    assert chefs.remind_expiring(timezone.now()) == 1
    assert chefs.remind_expiring(timezone.now()) == 0
    assert Notification.objects.filter(kind="dinners.cert_expiring", user=world["county"]).count() == 1
    chef.refresh_from_db()
    chefs.renew_certificate(actor=world["county"], chef=chef, cert_expires_on=chef.cert_expires_on
                            + datetime.timedelta(days=5))  # fmt: skip
    assert chefs.remind_expiring(timezone.now()) == 1  # the renewed date is still within 30 days: told again


def test_the_figures_count_insurance_and_guidance(world):
    from shian.core.kpis import Grouping

    task = _report(world).task
    _report(world, insured=False, insurer="", policy_number="", diners=20)
    parts = kpis.count(prefix="370725", grouping=Grouping(6), as_of=timezone.localdate())["370725"]
    assert (parts["dinners_year"], parts["dinners_insured"]) == (2, 1)
    assert (parts["dinners_guidance_due"], parts.get("dinners_guided", 0)) == (1, 0)
    checklist = guidance.checklist_for(task)
    guidance.sign_guidance(actor=world["worker"], task=task, client_key=uuid.uuid4(), checklist_id=checklist.pk,
                           answers=[{"item": i.pk, "result": "pass"} for i in checklist.items.all()],
                           host_signer="李四")  # fmt: skip
    parts = kpis.count(prefix="370725", grouping=Grouping(6), as_of=timezone.localdate())["370725"]
    assert parts["dinners_guided"] == 1


def test_the_api_reports_a_dinner_refuses_one_without_a_chef_and_masks_the_chef(world, client):
    client.force_login(world["worker"])
    body = {"region_code": VILLAGE, "place": "村委会", "held_on": timezone.localdate().isoformat(), "host_name": "李四",
            "diners": 120, "menu": "八大碗", "sources": "集市"}  # fmt: skip
    refused = client.post("/api/v1/dinners/dinners", body, content_type="application/json")
    assert refused.status_code == 422 and not Dinner.objects.exists()
    made = client.post("/api/v1/dinners/dinners", body | {"chef_id": world["chef"].pk},
                       content_type="application/json")  # fmt: skip
    assert made.status_code == 201 and made.json()["grade"] == "guided" and made.json()["task"]["status"] == "open"
    task_id = made.json()["task"]["id"]
    sheet = client.get(f"/api/v1/dinners/tasks/{task_id}/checklist").json()
    answers = [{"item": i["id"], "result": "pass"} for i in sheet["items"]]
    signed = client.post(f"/api/v1/dinners/tasks/{task_id}/guidance",
                         {"client_key": str(uuid.uuid4()), "checklist_id": sheet["checklist_id"], "answers": answers,
                          "host_signer": "李四"}, content_type="application/json")  # fmt: skip
    assert signed.status_code == 201 and GuidanceTask.objects.get(pk=task_id).status == "done"
    client.force_login(world["county"])
    chef = client.get(f"/api/v1/dinners/chefs/{world['chef'].pk}").json()
    assert chef["id_number"] == "1101**********002X" and chef["phone"] == "138****5678"
