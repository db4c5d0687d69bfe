"""核查处置 (docs/sampling.md §4): the 五到位 steps with evidence, the re-test window, closing (all five steps
unless the re-test passed) on time or late, the daily overdue flags, and the cross-region notice's closed loop."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from shian.accounts.models import Role
from shian.core.models import AuditEntry, Notification
from shian.sampling.models import CrossRegionNotice, Disposal, Sample
from shian.sampling.selectors import results as selectors
from shian.sampling.services import disposal as services
from shian.sampling.services import results as result_services
from shian.sampling.testing import lab_rows, lab_xlsx

from .results_setup import lab_world_fixture  # noqa: F401
from .samples_setup import station_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
STEPS = [code for code, _label in Disposal.STEPS]


@pytest.fixture(name="case")
def case_fixture(lab_world, make_user):
    """The first sample failed, made by a producer in 博山区 (another county, whose bureau has an account): its
    case and notice are open."""
    lab_world["boshan"] = make_user(Role.COUNTY_ADMIN, "370304", name="博山区局")
    Sample.objects.filter(pk=lab_world["samples"][0].pk).update(producer_region_id="370304", producer_name="博山酱园")
    batch = result_services.create_batch(actor=lab_world["zhang"], name="lab.xlsx",
                                         data=lab_xlsx(lab_rows(lab_world["samples"], items=2, fail={0})))  # fmt: skip
    result_services.process_batch(batch)
    lab_world["disposal"] = Disposal.objects.get()
    return lab_world


def _all_steps(world, disposal):
    for step in STEPS:
        disposal = services.record_step(actor=world["zhang"], disposal=disposal, step=step, note=f"{step} 已完成")
    return disposal


def test_closing_needs_all_five_steps_and_names_the_missing_ones(case):
    disposal = services.record_step(actor=case["zhang"], disposal=case["disposal"], step="controlled",
                                    note="已封存问题产品 120 瓶")  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.close(actor=case["zhang"], disposal=disposal)
    assert "召回下架到位" in str(exc.value) and "问题产品控制到位" not in str(exc.value)
    disposal = _all_steps(case, disposal)
    closed = services.close(actor=case["zhang"], disposal=disposal)
    assert closed.status == Disposal.Status.CLOSED and closed.on_time is True
    assert AuditEntry.objects.filter(action="disposal.close", object_id=str(closed.pk)).exists()


def test_a_step_without_a_note_is_refused_and_evidence_files_are_attached(case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as exc:
        services.record_step(actor=case["zhang"], disposal=case["disposal"], step="recalled", note="  ")
    assert "召回下架到位" in str(exc.value)
    pdf = SimpleUploadedFile("召回记录.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    stored = services.store_file(actor=case["zhang"], upload=pdf)
    disposal = services.record_step(actor=case["zhang"], disposal=case["disposal"], step="recalled",
                                    note="已下架", file_ids=[stored.pk])  # fmt: skip
    assert disposal.steps["recalled"]["files"] == [stored.pk]
    assert list(disposal.files.values_list("pk", flat=True)) == [stored.pk]


def test_closing_after_the_deadline_is_not_on_time(case):
    disposal = _all_steps(case, case["disposal"])
    late = disposal.due_at + datetime.timedelta(days=1)
    assert services.close(actor=case["zhang"], disposal=disposal, now=late).on_time is False


def test_a_passed_retest_closes_without_the_five_steps(case):
    disposal = services.apply_retest(actor=case["zhang"], disposal=case["disposal"])
    assert disposal.status == Disposal.Status.RETEST
    with pytest.raises(ValidationError):
        services.close(actor=case["zhang"], disposal=disposal)  # no re-test conclusion yet
    disposal = services.retest_result(actor=case["zhang"], disposal=disposal, passed=True)
    assert services.close(actor=case["zhang"], disposal=disposal).status == Disposal.Status.CLOSED


def test_a_failed_retest_still_needs_the_five_steps(case):
    disposal = services.apply_retest(actor=case["zhang"], disposal=case["disposal"])
    disposal = services.retest_result(actor=case["zhang"], disposal=disposal, passed=False)
    with pytest.raises(ValidationError):
        services.close(actor=case["zhang"], disposal=disposal)


def test_a_retest_application_after_the_window_is_refused_naming_the_deadline(case):
    disposal = case["disposal"]
    Disposal.objects.filter(pk=disposal.pk).update(retest_due=timezone.now() - datetime.timedelta(days=1))
    disposal.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.apply_retest(actor=case["zhang"], disposal=disposal)
    assert timezone.localtime(disposal.retest_due).strftime("%Y-%m-%d") in str(exc.value)


def test_a_closed_case_cannot_change(case):
    disposal = services.close(actor=case["zhang"], disposal=_all_steps(case, case["disposal"]))
    with pytest.raises(ValidationError):
        services.record_step(actor=case["zhang"], disposal=disposal, step="controlled", note="再次登记")


def test_only_staff_of_the_jurisdiction_may_act(case, make_user):
    owner = make_user(Role.ENTERPRISE, "370725001001", entity=case["shop"])
    with pytest.raises(PermissionDenied):
        services.record_step(actor=owner, disposal=case["disposal"], step="controlled", note="自查")
    outsider = make_user(Role.STATION_STAFF, "370304")
    with pytest.raises(Http404):
        services.record_step(actor=outsider, disposal=case["disposal"], step="controlled", note="越权")


def test_the_overdue_job_tells_the_station_once(case):
    Disposal.objects.filter(pk=case["disposal"].pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    assert services.flag_overdue() == 1
    assert services.flag_overdue() == 0
    told = set(Notification.objects.filter(kind="disposal.overdue").values_list("user_id", flat=True))
    assert {case["zhang"].pk, case["li"].pk} <= told
    assert AuditEntry.objects.filter(action="disposal.overdue").count() == 1


def test_the_overdue_job_is_registered_at_its_rule_hour():
    from shian.core.schedule import job

    assert job("sampling.overdue_disposals").timing.hour == "sampling.disposal_overdue_hour"


def test_the_enterprise_reads_its_own_case_only(case, make_user):
    owner = make_user(Role.ENTERPRISE, "370725001001", entity=case["shop"])
    stranger = make_user(Role.ENTERPRISE, "370725107201", entity=case["other"])
    assert selectors.disposal_get(user=owner, pk=case["disposal"].pk) == case["disposal"]
    with pytest.raises(Http404):
        selectors.disposal_get(user=stranger, pk=case["disposal"].pk)


def test_near_and_overdue_filters(case):
    disposal = case["disposal"]
    assert not selectors.disposal_list(user=case["zhang"], near="1").exists()
    Disposal.objects.filter(pk=disposal.pk).update(due_at=timezone.now() + datetime.timedelta(days=3))
    assert list(selectors.disposal_list(user=case["zhang"], near="1")) == [disposal]
    Disposal.objects.filter(pk=disposal.pk).update(due_at=timezone.now() - datetime.timedelta(days=3))
    assert list(selectors.disposal_list(user=case["zhang"], overdue="1")) == [disposal]


# -- the cross-region notice ----------------------------------------------------------------------------------


def test_the_producers_region_sees_acknowledges_and_replies_and_the_sampling_station_hears(case):
    boshan = case["boshan"]
    notice = CrossRegionNotice.objects.get()
    assert Notification.objects.filter(user=boshan, kind="notice.received").exists()
    assert list(selectors.notice_list(user=boshan, pending="1")) == [notice]
    assert list(selectors.notice_list(user=case["zhang"])) == [notice]  # the sender reads it too
    notice = services.acknowledge(actor=boshan, notice=notice)
    assert notice.acknowledged_at and not selectors.notice_list(user=boshan, pending="1").exists()
    with pytest.raises(ValidationError):
        services.reply(actor=boshan, notice=notice, text=" ")
    notice = services.reply(actor=boshan, notice=notice, text="已责令博山酱园召回同批次产品并立案调查")
    assert notice.replied_at and "召回" in notice.reply
    assert Notification.objects.filter(user=case["zhang"], kind="notice.replied").exists()


def test_the_sending_region_cannot_answer_its_own_notice(case):
    with pytest.raises(PermissionDenied):
        services.acknowledge(actor=case["zhang"], notice=CrossRegionNotice.objects.get())


def test_a_third_region_does_not_see_the_notice(case, make_user):
    beijing = make_user(Role.COUNTY_ADMIN, "110105")
    assert not selectors.notice_list(user=beijing).exists()
    with pytest.raises(Http404):
        selectors.notice_get(user=beijing, pk=CrossRegionNotice.objects.get().pk)
