"""A sample on a phone (docs/sampling.md §3): two samplers of the entity's station and never the lab's staff,
numbered per county and year, idempotent by client key, and its to-lab and report deadlines on the working-day
clock; the daily job tells the station once per overdue sample."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from shian.core import workdays
from shian.core.models import AuditEntry, DeadlineRule, Notification
from shian.regions.models import HolidayDay, Region
from shian.sampling.models import Sample, SamplePhoto, SamplingTask
from shian.sampling.services import samples as services

from .samples_setup import sample_values, station_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()


@pytest.fixture(autouse=True)
def _fresh_holiday_table():
    """The working-day table is cached per process: holidays made by one test must not outlive it."""
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def _at(y, m, d, hour=10):
    return datetime.datetime(y, m, d, hour, tzinfo=TZ)


def _create(world, actor=None, **changes):
    return services.create_sample(actor=actor or world["zhang"], **sample_values(world, **changes))


def _messages(exc) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


def test_a_sample_gets_a_county_year_number_its_samplers_and_an_audit_entry(station_world):
    sample, created = _create(station_world)
    assert created
    year = timezone.localtime(sample.sampled_at).year
    assert sample.number == f"CJ{year}370725-00001"
    assert {u.pk for u in sample.samplers.all()} == {station_world["zhang"].pk, station_world["li"].pk}
    assert sample.region_id == "370725001001" and sample.status == Sample.Status.SAMPLED
    assert sample.entity_signer == "孙店长"
    entry = AuditEntry.objects.get(action="sample.create")
    assert entry.object_id == str(sample.pk) and entry.after["samplers"] == sorted(
        [station_world["zhang"].pk, station_world["li"].pk]
    )


def test_numbers_run_per_county_and_year(station_world, make_user):
    first, _ = _create(station_world)
    second, _ = _create(station_world)
    last_year, _ = _create(station_world, sampled_at=_at(timezone.localdate().year - 1, 12, 30))
    assert first.number.endswith("-00001") and second.number.endswith("-00002")
    assert last_year.number == f"CJ{timezone.localdate().year - 1}370725-00001"
    # another county starts at 1 again
    county = {"region_id": "370304001"}
    from shian.entities.models import Entity
    from shian.inspections.models import Station

    station = Station.objects.create(code="S-BS", name="城东市场监管所", region_id="370304")
    station.townships.add("370304001")
    a = make_user("station_staff", "370304", name="博山甲")
    b = make_user("station_staff", "370304", name="博山乙")
    station.inspectors.add(a, b)
    shop = Entity.objects.create(name="城东商店", business_type="sales", address="城东路", **county)
    elsewhere, _ = services.create_sample(actor=a, **sample_values(station_world, entity=shop, sampler_ids=[b.pk]))
    assert elsewhere.number.startswith(f"CJ{timezone.localdate().year}370304-") and elsewhere.number.endswith("00001")


def test_to_lab_due_counts_working_days_past_a_holiday_and_keeps_the_rule(station_world):
    # sampled on Friday 20 Nov 2026; Monday and Tuesday after are (made) holidays: 5 working days end on Tuesday 1 Dec
    HolidayDay.objects.create(date=datetime.date(2026, 11, 23), is_working_day=False, name="测试假日")
    HolidayDay.objects.create(date=datetime.date(2026, 11, 24), is_working_day=False, name="测试假日")
    sample, _ = _create(station_world, sampled_at=_at(2026, 11, 20, 16))
    due = timezone.localtime(sample.to_lab_due)
    assert due.date() == datetime.date(2026, 12, 1)
    assert sample.due_rules["to_lab"]["code"] == "sampling.to_lab" and sample.due_rules["to_lab"]["amount"] == 5


def test_a_regions_own_rule_sets_the_to_lab_deadline(station_world):
    DeadlineRule.objects.create(code="sampling.to_lab", name="送检", region_prefix="370725", version=2, amount=3,
                                unit="WD", valid_from=datetime.date(2020, 1, 1), source="本县规定")  # fmt: skip
    sample, _ = _create(station_world, sampled_at=_at(2026, 11, 16))  # a Monday: 3 working days → Thursday
    assert timezone.localtime(sample.to_lab_due).date() == datetime.date(2026, 11, 19)
    assert sample.due_rules["to_lab"]["amount"] == 3


def test_one_sampler_alone_is_refused(station_world):
    with pytest.raises(ValidationError) as exc:
        _create(station_world, sampler_ids=[])
    assert "两名执法人员" in _messages(exc)
    assert not Sample.objects.exists()


def test_a_lab_staff_account_may_not_sample_and_is_named(station_world):
    with pytest.raises(ValidationError) as exc:
        _create(station_world, sampler_ids=[station_world["chemist"].pk])
    assert "抽检分离" in _messages(exc) and "赵检验" in _messages(exc)
    assert "潍坊市食品药品检验研究院" in _messages(exc)
    assert not Sample.objects.exists()


def test_an_inspector_of_another_station_is_refused_by_name(station_world):
    with pytest.raises(ValidationError) as exc:
        _create(station_world, sampler_ids=[station_world["wang"].pk])
    assert "王乔官" in _messages(exc) and "宝都市场监管所" in _messages(exc)
    assert not Sample.objects.exists()


def test_an_entity_outside_the_actors_jurisdiction_is_a_404(station_world):
    with pytest.raises(Http404):
        _create(station_world, entity=station_world["other"])


def test_bad_fields_are_named_and_nothing_is_written(station_world):
    with pytest.raises(ValidationError) as exc:
        _create(station_world, product="", quantity="", category="no-such", lab_id=None,
                sampled_at=timezone.now() + datetime.timedelta(days=1), producer_uscc="123")  # fmt: skip
    errors = exc.value.message_dict
    assert set(errors) >= {"product", "quantity", "category", "lab", "sampled_at", "producer_uscc"}
    assert "样品名称" in errors["product"][0] and "不在现行抽检食品类别表" in errors["category"][0]
    assert "不能晚于当前时间" in errors["sampled_at"][0]
    assert not Sample.objects.exists() and not AuditEntry.objects.filter(action="sample.create").exists()


def test_a_resend_with_the_same_client_key_returns_the_first_sample(station_world):
    key = uuid.uuid4()
    first, created = _create(station_world, client_key=key)
    again, created_again = _create(station_world, client_key=key, product="改过的名称")
    assert created and not created_again
    assert again.pk == first.pk and again.product == "酱油"
    assert Sample.objects.count() == 1 and AuditEntry.objects.filter(action="sample.create").count() == 1
    with pytest.raises(ValidationError):  # someone else's key
        _create(station_world, actor=station_world["li"], client_key=key, sampler_ids=[station_world["zhang"].pk])


def test_the_producer_region_comes_from_the_uscc_or_the_pick(station_world):
    Region.objects.create(code="44", name="广东省", level=1)
    Region.objects.create(code="4406", name="佛山市", level=2, parent_id="44")
    sample, _ = _create(station_world)
    assert sample.producer_region_id == "4406"
    picked, _ = _create(station_world, producer_uscc="", producer_region_code="370304")
    assert picked.producer_region_id == "370304"
    with pytest.raises(ValidationError) as exc:
        _create(station_world, producer_region_code="999999")
    assert "999999" in _messages(exc)


def test_photos_are_claimed_only_by_their_uploader(station_world, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    path = tmp_path / "p.jpg"
    Image.new("RGB", (40, 30), (200, 10, 10)).save(path, format="JPEG")
    upload = SimpleUploadedFile("p.jpg", path.read_bytes(), content_type="image/jpeg")
    photo = services.store_photo(actor=station_world["zhang"], upload=upload)
    with pytest.raises(ValidationError):
        _create(station_world, actor=station_world["li"], sampler_ids=[station_world["zhang"].pk],
                photo_ids=[photo.pk])  # fmt: skip
    sample, _ = _create(station_world, photo_ids=[photo.pk])
    assert list(SamplePhoto.objects.filter(sample=sample).values_list("pk", flat=True)) == [photo.pk]


def test_a_task_is_done_when_its_batches_are_sampled(station_world):
    task = SamplingTask.objects.create(station=station_world["station"], region_id="370725001", category="dairy",
                                       kind="monitoring", month=202612, batches=2)  # fmt: skip
    first, _ = _create(station_world, task=task)
    assert first.category == "dairy" and first.kind == "monitoring"
    task.refresh_from_db()
    assert task.status == SamplingTask.Status.OPEN
    _create(station_world, task=task)
    task.refresh_from_db()
    assert task.status == SamplingTask.Status.DONE
    with pytest.raises(ValidationError) as exc:
        _create(station_world, task=task)
    assert "抽样任务已" in _messages(exc)


def test_sent_then_received_sets_the_report_deadline_on_working_days(station_world):
    sample, _ = _create(station_world, sampled_at=_at(2026, 11, 16))
    with pytest.raises(ValidationError) as exc:
        services.mark_received(actor=station_world["zhang"], sample=sample, received_at=_at(2026, 11, 17))
    assert "尚未登记送检" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        services.mark_sent(actor=station_world["zhang"], sample=sample, sent_at=_at(2026, 11, 15))
    assert "不能早于抽样时间" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        services.mark_sent(actor=station_world["zhang"], sample=sample, sent_at=timezone.now() + datetime.timedelta(1))
    assert "不能晚于当前时间" in _messages(exc)
    sample = services.mark_sent(actor=station_world["zhang"], sample=sample, sent_at=_at(2026, 11, 17))
    assert sample.status == Sample.Status.SENT
    with pytest.raises(ValidationError) as exc:
        services.mark_received(actor=station_world["zhang"], sample=sample, received_at=_at(2026, 11, 16))
    assert "不能早于送检时间" in _messages(exc)
    sample = services.mark_received(actor=station_world["zhang"], sample=sample, received_at=_at(2026, 11, 18))
    # 20 working days after Wednesday 18 Nov 2026: Wednesday 16 Dec
    assert timezone.localtime(sample.report_due).date() == datetime.date(2026, 12, 16)
    assert sample.due_rules["report"]["code"] == "sampling.report" and "to_lab" in sample.due_rules
    assert list(AuditEntry.objects.filter(action__in=["sample.sent", "sample.received"]).values_list(
        "action", flat=True).order_by("pk")) == ["sample.sent", "sample.received"]  # fmt: skip
    with pytest.raises(ValidationError):
        services.mark_sent(actor=station_world["zhang"], sample=sample, sent_at=_at(2026, 11, 17))


def test_the_daily_job_tells_the_station_once_per_overdue_sample(station_world):
    late, _ = _create(station_world, sampled_at=_at(2026, 11, 2))
    on_time, _ = _create(station_world, sampled_at=timezone.now() - datetime.timedelta(hours=2))
    now = timezone.now()
    counts = services.flag_overdue(now=now)
    assert counts == {"to_lab": 1, "report": 0}
    told = Notification.objects.filter(kind="sample.overdue_to_lab")
    # the station's inspectors (the lab's staff among them is one of them too)
    assert {n.user_id for n in told} == {station_world[k].pk for k in ("zhang", "li", "chemist")}
    assert all(late.number in n.text for n in told) and not any(on_time.number in n.text for n in told)
    assert services.flag_overdue(now=now + datetime.timedelta(days=1)) == {"to_lab": 0, "report": 0}
    assert told.count() == 3


def test_the_overdue_job_is_registered_on_the_daily_clock_and_runs(station_world):
    from shian.core import schedule

    job = schedule.job("sampling.overdue_samples")
    assert job is not None and "sampling.overdue_hour" in repr(job.timing)
    _create(station_world, sampled_at=_at(2026, 11, 2))
    assert job.run(timezone.now()) == "to_lab=1 report=0"
    assert job.run(timezone.now()) == "to_lab=0 report=0"


def test_a_received_sample_past_its_report_deadline_is_flagged(station_world):
    sample, _ = _create(station_world, sampled_at=_at(2026, 10, 5))
    services.mark_sent(actor=station_world["zhang"], sample=sample, sent_at=_at(2026, 10, 6))
    services.mark_received(actor=station_world["zhang"], sample=sample, received_at=_at(2026, 10, 7))
    assert services.flag_overdue(now=timezone.now()) == {"to_lab": 0, "report": 1}
    assert Notification.objects.filter(kind="sample.overdue_report", text__contains=sample.number).count() == 3


def test_the_producer_region_is_read_from_the_address_inside_the_jurisdiction(station_world):
    sample, _ = _create(station_world, producer_uscc="", producer_address="昌乐县宝都街道站前社区幸福路8号")
    assert sample.producer_region_id == "370725001001"


def test_without_a_station_the_samplers_themselves_are_told(station_world):
    late, _ = _create(station_world, sampled_at=_at(2026, 11, 2))
    station_world["station"].townships.clear()
    assert services.flag_overdue(now=timezone.now()) == {"to_lab": 1, "report": 0}
    told = Notification.objects.filter(kind="sample.overdue_to_lab", text__contains=late.number)
    assert {n.user_id for n in told} == {station_world["zhang"].pk, station_world["li"].pk}
