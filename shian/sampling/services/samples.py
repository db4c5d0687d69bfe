"""Every write on a sample (docs/sampling.md §3): the sample taken on a phone (two samplers of the entity's
station, never the lab's staff; idempotent by client key; numbered per county and year), its photos, sending
it to the lab and the lab's receipt on the working-day clock, and the daily flags on overdue samples."""

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role, User
from shian.checklists import services as checklists
from shian.core import audit
from shian.core.jurisdiction import require_in_scope
from shian.core.models import AuditEntry
from shian.core.regioncodes import COUNTY, ancestor, prefixes
from shian.core.services import notify
from shian.core.workdays import compute_due
from shian.entities.models import Entity
from shian.entities.validators import validate_uscc
from shian.inspections.models import Station
from shian.inspections.selectors.stations import stations_for
from shian.regions.addresses import resolve_address
from shian.regions.models import Region

from ..models import Lab, Sample, SamplePhoto, SamplingKind, SamplingTask
from ..ruledefs import REPORT, TO_LAB
from ..selectors import samples as selectors

SAMPLER_ROLES = ADMIN_ROLES | {Role.STATION_STAFF}
CLOCK_SKEW = datetime.timedelta(minutes=10)  # a phone's clock may run a little ahead of the server's
NUMBER_TRIES = 5  # a concurrent sample in the same county may take the number first: try the next one
TEXT_FIELDS = ("product", "brand", "spec", "batch_number", "quantity", "backup_quantity", "producer_name",
               "producer_address", "entity_signer")  # fmt: skip
AUDITED = ["number", "entity_id", "category", "kind", "product", "batch_number", "quantity", "backup_quantity",
           "producer_name", "producer_uscc", "producer_region_id", "lab_id", "sampled_at", "to_lab_due", "status",
           "sent_at", "received_at", "report_due"]  # fmt: skip
OVERDUE_ACTIONS = {"to_lab": "sample.overdue_to_lab", "report": "sample.overdue_report"}


def _require_sampler_role(actor) -> None:
    if not (actor.is_superuser or actor.role in SAMPLER_ROLES):
        raise PermissionDenied(_("只有市场监管所执法人员可以登记抽样。"))


# -- photos ---------------------------------------------------------------------------------------------------


def store_photo(*, actor, upload) -> SamplePhoto:
    """Check and store one photo, not yet attached; the sample that uses it claims it (checklist engine)."""
    return checklists.store_file(SamplePhoto, actor=actor, upload=upload)


def _claim_photos(actor, ids, sample: Sample) -> None:
    pending = SamplePhoto.objects.filter(sample__isnull=True, disposal__isnull=True)
    checklists.claim_files(pending, actor=actor, ids=ids, sample=sample)


# -- checks ---------------------------------------------------------------------------------------------------


def _name(user: User) -> str:
    return user.name or user.username


def check_samplers(*, actor, entity: Entity, sampler_ids) -> list[User]:
    """The samplers of a sample at `entity`: the actor and at least one more, every one an active inspector of
    the station covering the entity, none of them a lab's staff (抽检分离, docs/sampling.md §3)."""
    try:
        others = {int(pk) for pk in (sampler_ids or [])}
    except (TypeError, ValueError) as exc:
        raise ValidationError({"samplers": [_("抽样人员无效。")]}) from exc
    wanted = others | {actor.pk}
    users = list(User.objects.filter(pk__in=wanted, is_active=True).order_by("pk"))
    if len(users) != len(wanted):
        raise ValidationError({"samplers": [_("抽样人员不存在或账号已停用。")]})
    if len(users) < 2:
        raise ValidationError({"samplers": [_("抽样须由两名执法人员共同进行：请再选择一名本所执法人员。")]})
    lab_staff = Lab.staff.through.objects.filter(user_id__in=wanted).select_related("lab").order_by("user_id")
    by_id = {u.pk: u for u in users}
    errors = [
        _("抽检分离：%(name)s 是承检机构“%(lab)s”的检验人员，不能担任抽样人员。")
        % {"name": _name(by_id[row.user_id]), "lab": row.lab.name}
        for row in lab_staff
    ]
    station = selectors.station_for(entity.region_id)
    if station is None:
        errors.append(_("主体所在乡镇（街道）尚未划归市场监管所，无法确定抽样人员。"))
    else:
        inspectors = set(station.inspectors.filter(pk__in=wanted).values_list("pk", flat=True))
        lab_ids = {row.user_id for row in lab_staff}
        errors += [
            _("%(name)s 不是%(station)s的执法人员，不能在该主体抽样。") % {"name": _name(u), "station": station.name}
            for u in users
            if u.pk not in inspectors and u.pk not in lab_ids
        ]
    if errors:
        raise ValidationError({"samplers": errors})
    return users


def producer_region(*, actor, uscc: str, address: str, region_code: str = "") -> Region | None:
    """The nominal producer's region: the one picked, else the registering authority's region in the USCC
    (characters 3-8), else the address read against the actor's jurisdiction; None when none is known."""
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            raise ValidationError(
                {"producer_region": [_("标称生产者所在区划“%(code)s”不存在。") % {"code": region_code}]}
            )
        return region
    if uscc and len(uscc) == 18:
        found = Region.objects.filter(code__in=prefixes(uscc[2:8])).order_by("-code").first()
        if found is not None:
            return found
    if address:
        resolution = resolve_address(user=actor, address=address)
        if resolution.region is not None:
            return Region.objects.filter(code=resolution.region.code).first()
    return None


def _texts(values: dict) -> tuple[dict, dict]:
    cleaned, errors = {}, {}
    for field in TEXT_FIELDS:
        text = str(values.get(field) or "").replace("\x00", "").strip()
        limit = Sample._meta.get_field(field).max_length
        if len(text) > limit:
            label = Sample._meta.get_field(field).verbose_name
            errors[field] = [_("%(field)s不能超过 %(n)d 个字。") % {"field": label, "n": limit}]
        cleaned[field] = text
    for field in ("product", "quantity"):
        if not cleaned[field] and field not in errors:
            label = Sample._meta.get_field(field).verbose_name
            errors[field] = [_("请填写%(field)s。") % {"field": label}]
    return cleaned, errors


def _when(value, field: str, label: str, errors: dict) -> datetime.datetime | None:
    if value is None or not isinstance(value, datetime.datetime):
        errors[field] = [_("请填写%(field)s。") % {"field": label}]
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + CLOCK_SKEW:
        errors[field] = [_("%(field)s不能晚于当前时间。") % {"field": label}]
    return value


# -- the sample -----------------------------------------------------------------------------------------------


def next_number(county: str, year: int) -> str:
    """The next 抽样单编号 of a county and year: CJ + year + county code + '-' + a 5-digit sequence."""
    prefix = f"CJ{year}{county}-"
    last = Sample.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:05d}"


def create_sample(
    *,
    actor,
    entity: Entity,
    client_key: uuid.UUID | str,
    category: str = "",
    kind: str = SamplingKind.SUPERVISION,
    product: str = "",
    brand: str = "",
    spec: str = "",
    batch_number: str = "",
    quantity: str = "",
    backup_quantity: str = "",
    producer_name: str = "",
    producer_address: str = "",
    producer_uscc: str = "",
    producer_region_code: str = "",
    lab_id: int | None = None,
    sampler_ids=(),
    sampled_at: datetime.datetime | None = None,
    entity_signer: str = "",
    photo_ids=(),
    task: SamplingTask | None = None,
) -> tuple[Sample, bool]:
    """Record a sample taken at `entity`; returns (sample, created).

    A phone may send the same sample twice (a retry after a dropped connection, the offline outbox): the client
    key makes the second send return the first sample unchanged. The sample must reach the lab within
    `sampling.to_lab` working days of `sampled_at` (`to_lab_due`, the rule kept in `due_rules`)."""
    try:
        key = uuid.UUID(str(client_key))
    except ValueError as exc:
        raise ValidationError({"client_key": [_("提交编号无效。")]}) from exc
    existing = Sample.objects.filter(client_key=key).first()
    if existing is not None:
        return _same_sender(actor, existing), False
    values = {
        "category": category, "kind": kind, "product": product, "brand": brand, "spec": spec,
        "batch_number": batch_number, "quantity": quantity, "backup_quantity": backup_quantity,
        "producer_name": producer_name, "producer_address": producer_address, "producer_uscc": producer_uscc,
        "producer_region_code": producer_region_code, "lab_id": lab_id, "sampler_ids": sampler_ids,
        "sampled_at": sampled_at, "entity_signer": entity_signer, "photo_ids": photo_ids, "task": task,
    }  # fmt: skip
    for _attempt in range(NUMBER_TRIES):
        try:
            with transaction.atomic():
                return _create(actor=actor, entity=entity, key=key, **values), True
        except IntegrityError:
            existing = Sample.objects.filter(client_key=key).first()
            if existing is not None:  # a concurrent retry of the same submission won the race
                return _same_sender(actor, existing), False
    raise ValidationError(_("抽样单编号分配冲突，请稍后重试。"))


def _same_sender(actor, sample: Sample) -> Sample:
    if sample.created_by_id != actor.pk:
        raise ValidationError({"client_key": [_("提交编号已被使用。")]})
    return sample


def _create(*, actor, entity, key, category, kind, lab_id, sampler_ids, sampled_at, photo_ids, task,
            producer_uscc, producer_region_code, **texts) -> Sample:  # fmt: skip
    _require_sampler_role(actor)
    require_in_scope(actor, entity.region_id)
    cleaned, errors = _texts(texts)
    if entity.status == Entity.Status.DEREGISTERED:
        errors["entity"] = [_("主体“%(name)s”已注销，不能抽样。") % {"name": entity.name}]
    if task is not None:
        require_in_scope(actor, task.region_id)
        if task.status != SamplingTask.Status.OPEN:
            errors["task"] = [_("抽样任务已%(status)s，不能再登记样品。") % {"status": task.get_status_display()}]
        elif not entity.region_id.startswith(task.region_id):
            errors["entity"] = [_("主体不在该抽样任务的区域内。")]
        category, kind = task.category, task.kind
    if kind not in SamplingKind.values:
        errors["kind"] = [_("抽检类型无效。")]
    names = dict(selectors.categories(entity.region_id))
    if not category:
        errors["category"] = [_("请选择食品类别。")]
    elif category not in names:
        errors["category"] = [_("食品类别“%(code)s”不在现行抽检食品类别表中。") % {"code": category}]
    lab = Lab.objects.filter(pk=lab_id).first() if str(lab_id or "").isdigit() else None
    if lab is None:
        errors["lab"] = [_("请选择承检机构。")]
    uscc = (producer_uscc or "").strip().upper()
    if uscc:
        try:
            uscc = validate_uscc(uscc, allow_checksum_override=True)
        except ValidationError as exc:
            errors["producer_uscc"] = [_("标称生产者统一社会信用代码：%(e)s") % {"e": "；".join(exc.messages)}]
    sampled_at = _when(sampled_at, "sampled_at", _("抽样时间"), errors)
    try:
        samplers = check_samplers(actor=actor, entity=entity, sampler_ids=sampler_ids)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        region = producer_region(actor=actor, uscc="" if "producer_uscc" in errors else uscc,
                                 address=cleaned["producer_address"], region_code=producer_region_code)  # fmt: skip
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    due = compute_due(rule_code=TO_LAB.code, start=sampled_at, region_code=entity.region_id)
    county = ancestor(entity.region_id, COUNTY) or entity.region_id
    sample = Sample.objects.create(
        number=next_number(county, timezone.localtime(sampled_at).year), client_key=key, task=task, kind=kind,
        entity=entity, region_id=entity.region_id, category=category, producer_uscc=uscc, producer_region=region,
        lab=lab, sampled_at=sampled_at, to_lab_due=due.due_at, due_rules={"to_lab": due.rule}, created_by=actor,
        **cleaned,
    )  # fmt: skip
    sample.samplers.set(samplers)
    _claim_photos(actor, list(photo_ids or []), sample)
    audit.record(actor=actor, action="sample.create", obj=sample, region_code=sample.region_id,
                 after=audit.snapshot(sample, AUDITED) | {"samplers": [u.pk for u in samplers]})  # fmt: skip
    if task is not None:
        _close_task_when_done(actor, task)
    return sample


def _close_task_when_done(actor, task: SamplingTask) -> None:
    """A task is done once its batches are sampled."""
    if task.samples.count() >= task.batches:
        SamplingTask.objects.filter(pk=task.pk).update(status=SamplingTask.Status.DONE)
        task.status = SamplingTask.Status.DONE
        audit.record(actor=actor, action="sample.task_done", obj=task, region_code=task.region_id,
                     after={"status": task.status, "batches": task.batches})  # fmt: skip


# -- to the lab -----------------------------------------------------------------------------------------------


def _lifecycle_checks(actor, sample: Sample) -> None:
    _require_sampler_role(actor)
    require_in_scope(actor, sample.region_id)


@transaction.atomic
def mark_sent(*, actor, sample: Sample, sent_at: datetime.datetime | None) -> Sample:
    """The sample left for the lab (送检), at a time between sampling and now."""
    _lifecycle_checks(actor, sample)
    sample = Sample.objects.select_for_update().get(pk=sample.pk)
    if sample.status != Sample.Status.SAMPLED:
        raise ValidationError({"sent_at": [_("样品已登记送检（%(status)s），不能重复登记。") % {
            "status": sample.get_status_display()}]})  # fmt: skip
    errors: dict = {}
    sent_at = _when(sent_at, "sent_at", _("送检时间"), errors)
    if sent_at and not errors and sent_at < sample.sampled_at:
        errors["sent_at"] = [_("送检时间不能早于抽样时间（%(t)s）。") % {"t": _local(sample.sampled_at)}]
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(sample, ["status", "sent_at"])
    sample.sent_at, sample.status = sent_at, Sample.Status.SENT
    sample.save(update_fields=["sent_at", "status"])
    audit.record(actor=actor, action="sample.sent", obj=sample, region_code=sample.region_id, before=before,
                 after=audit.snapshot(sample, ["status", "sent_at"]))  # fmt: skip
    return sample


@transaction.atomic
def mark_received(*, actor, sample: Sample, received_at: datetime.datetime | None) -> Sample:
    """The lab received the sample: the report is due `sampling.report` working days later (`report_due`)."""
    _lifecycle_checks(actor, sample)
    sample = Sample.objects.select_for_update().get(pk=sample.pk)
    if sample.status == Sample.Status.SAMPLED:
        raise ValidationError({"received_at": [_("样品尚未登记送检，请先登记送检时间。")]})
    if sample.status != Sample.Status.SENT:
        raise ValidationError({"received_at": [_("检验机构已登记接收（%(status)s），不能重复登记。") % {
            "status": sample.get_status_display()}]})  # fmt: skip
    errors: dict = {}
    received_at = _when(received_at, "received_at", _("检验机构接收时间"), errors)
    if received_at and not errors and received_at < sample.sent_at:
        errors["received_at"] = [_("检验机构接收时间不能早于送检时间（%(t)s）。") % {"t": _local(sample.sent_at)}]
    if errors:
        raise ValidationError(errors)
    due = compute_due(rule_code=REPORT.code, start=received_at, region_code=sample.region_id)
    before = audit.snapshot(sample, ["status", "received_at", "report_due"])
    sample.received_at, sample.report_due, sample.status = received_at, due.due_at, Sample.Status.RECEIVED
    sample.due_rules = {**sample.due_rules, "report": due.rule}
    sample.save(update_fields=["received_at", "report_due", "status", "due_rules"])
    audit.record(actor=actor, action="sample.received", obj=sample, region_code=sample.region_id, before=before,
                 after=audit.snapshot(sample, ["status", "received_at", "report_due"]))  # fmt: skip
    return sample


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# -- the daily flags --------------------------------------------------------------------------------------------


def _recipients(samples: list[Sample]) -> dict[int, list[User]]:
    """Sample id -> who hears of it: the inspectors of the station covering it, else its samplers."""
    station_ids = stations_for([s.region_id for s in samples])
    through = Station.inspectors.through.objects.filter(
        station_id__in={pk for pk in station_ids.values() if pk}, user__is_active=True
    ).select_related("user")
    by_station: dict[int, list[User]] = {}
    for row in through:
        by_station.setdefault(row.station_id, []).append(row.user)
    pending = [s.pk for s in samples if not by_station.get(station_ids.get(s.region_id))]
    samplers: dict[int, list[User]] = {}
    for row in Sample.samplers.through.objects.filter(sample_id__in=pending).select_related("user"):
        samplers.setdefault(row.sample_id, []).append(row.user)
    return {s.pk: by_station.get(station_ids.get(s.region_id)) or samplers.get(s.pk, []) for s in samples}


def flag_overdue(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Tell the station once per sample that is past its to-lab or report deadline (an audit entry per flag
    marks it told, so a second run the same day, or the next day, tells nobody again). Returns the counts."""
    now = now or timezone.now()
    counts = {}
    for kind, action in OVERDUE_ACTIONS.items():
        candidates = list(Sample.objects.filter(selectors.overdue_q(kind, now)).order_by("pk"))
        told = set(
            AuditEntry.objects.filter(
                action=action, object_type="sampling.sample", object_id__in=[str(s.pk) for s in candidates]
            ).values_list("object_id", flat=True)
        )
        fresh = [s for s in candidates if str(s.pk) not in told]
        recipients = _recipients(fresh) if fresh else {}
        for sample in fresh:
            with transaction.atomic():
                _tell(sample, kind, action, recipients.get(sample.pk, []))
        counts[kind] = len(fresh)
    return counts


def _tell(sample: Sample, kind: str, action: str, users: list[User]) -> None:
    due = sample.to_lab_due if kind == "to_lab" else sample.report_due
    values = {"number": sample.number, "product": sample.product, "due": _local(due)}
    if kind == "to_lab":
        text = _("样品 %(number)s（%(product)s）已超过送检期限 %(due)s，请尽快送达检验机构并登记。") % values
    else:
        text = _("样品 %(number)s（%(product)s）已超过出具检验报告期限 %(due)s，请督促检验机构。") % values
    url = reverse("sampling:sample_detail", args=[sample.pk])
    notify(users=users, text=text, url=url, kind=action, group=sample.region_id,
           group_text=_("%(n)d 个样品逾期") if kind == "to_lab" else _("%(n)d 个样品逾期未出报告"),
           group_url=reverse("sampling:samples") + f"?overdue={kind}")  # fmt: skip
    audit.record(actor=None, action=action, obj=sample, region_code=sample.region_id,
                 after={"due": due.isoformat(), "told": len(users)})  # fmt: skip
