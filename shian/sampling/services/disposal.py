"""核查处置 of failed samples and cross-region notices (docs/sampling.md §4): the case opened by a failed
conclusion (re-test window `sampling.retest_apply` working days, deadline `sampling.disposal` calendar days),
the 五到位 steps with evidence, the re-test, closing (all five steps unless the re-test passed, on time or not),
the daily overdue flags, and the notices the nominal producer's region acknowledges and answers."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role, User
from shian.checklists import services as checklists
from shian.core import audit, figcache
from shian.core.jurisdiction import in_scope, require_in_scope
from shian.core.models import AuditEntry
from shian.core.regioncodes import COUNTY, ancestor
from shian.core.services import notify
from shian.core.workdays import compute_due
from shian.inspections.selectors.stations import stations_for

from ..models import CrossRegionNotice, Disposal, Sample, SamplePhoto
from ..ruledefs import DISPOSAL, RETEST_APPLY

STAFF_ROLES = ADMIN_ROLES | {Role.STATION_STAFF}
STEP_CODES = [code for code, _label in Disposal.STEPS]
NOTE_MAX = 500
REPLY_MAX = 2000


def _require_staff(actor, region_code: str) -> None:
    if not (actor.is_superuser or actor.role in STAFF_ROLES):
        raise PermissionDenied(_("只有市场监管部门人员可以办理核查处置。"))
    require_in_scope(actor, region_code)


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d")


# -- opening ----------------------------------------------------------------------------------------------------


def _station_staff(region_codes) -> dict[str, list[User]]:
    """Region code -> active inspectors of the station covering it."""
    from shian.inspections.models import Station

    stations = stations_for(region_codes)
    rows = Station.inspectors.through.objects.filter(
        station_id__in={pk for pk in stations.values() if pk}, user__is_active=True
    ).select_related("user")
    by_station: dict[int, list[User]] = {}
    for row in rows:
        by_station.setdefault(row.station_id, []).append(row.user)
    return {code: by_station.get(pk, []) for code, pk in stations.items()}


def _other_region(sample: Sample) -> str | None:
    """The nominal producer's region when it lies outside the sampled entity's county (and does not contain it)."""
    code = sample.producer_region_id
    if not code:
        return None
    county = ancestor(sample.region_id, COUNTY) or sample.region_id
    if code.startswith(county) or county.startswith(code):
        return None
    return code


def _region_staff(code: str) -> list[User]:
    """Who hears of a notice in a region: its administrators and station staff at that level or above it."""
    from shian.core.regioncodes import prefixes

    return list(User.objects.filter(is_active=True, role__in=STAFF_ROLES, region_id__in=prefixes(code)))


def _audit_many(actor, action: str, rows: list[tuple]) -> None:
    """One audit entry per (object, region, after), as `audit.record` writes them, in one INSERT: a lab file
    opens hundreds of cases at once. The figures cache is dropped once per region instead of once per entry."""
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    entries = [
        AuditEntry(actor=actor_obj, actor_name=getattr(actor_obj, "username", "") or "system", action=action,
                   object_type=obj._meta.label_lower, object_id=str(obj.pk), object_repr=str(obj)[:200],
                   region_code=region or "", after=audit.mask_pii(after), request_id=audit.context.request_id.get(),
                   ip=audit.context.client_ip.get())
        for obj, region, after in rows
    ]  # fmt: skip
    AuditEntry.objects.bulk_create(entries)
    for region in sorted({region for _obj, region, _after in rows}):
        figcache.invalidate(region)


class _Clock:
    """Deadlines by (rule, region, start): the cases of one lab file mostly share their report date."""

    def __init__(self):
        self.seen = {}

    def due(self, rule_code: str, start: datetime.datetime, region_code: str):
        key = (rule_code, start, region_code)
        if key not in self.seen:
            self.seen[key] = compute_due(rule_code=rule_code, start=start, region_code=region_code)
        return self.seen[key]


def open_disposals(samples: list[Sample], *, actor) -> list[Disposal]:
    """Open the disposal case of each failed sample that has none yet (called inside the conclusion's
    transaction), tell the entity's accounts and the station, and send the cross-region notices."""
    have = set(Disposal.objects.filter(sample__in=samples).values_list("sample_id", flat=True))
    fresh = [s for s in samples if s.pk not in have and s.conclusion == Sample.Conclusion.FAIL]
    if not fresh:
        return []
    now = timezone.now()
    clock = _Clock()
    disposals, notices = [], []
    for sample in fresh:
        start = (
            timezone.make_aware(datetime.datetime.combine(sample.report_date, datetime.time(9)))
            if sample.report_date
            else now
        )  # the conclusion reaches the entity with the report
        retest = clock.due(RETEST_APPLY.code, start, sample.region_id)
        due = clock.due(DISPOSAL.code, start, sample.region_id)
        disposals.append(Disposal(
            sample=sample, entity_id=sample.entity_id, region_id=sample.region_id, opened_at=now,
            due_at=due.due_at, retest_due=retest.due_at, due_rules={"retest": retest.rule, "disposal": due.rule},
        ))  # fmt: skip
        other = _other_region(sample)
        if other:
            notices.append(CrossRegionNotice(sample=sample, to_region_id=other, sent_at=now))
    Disposal.objects.bulk_create(disposals)
    CrossRegionNotice.objects.bulk_create(notices)
    staff = _station_staff({s.region_id for s in fresh})
    enterprise: dict[int, list[User]] = {}
    for user in User.objects.filter(entity_id__in={s.entity_id for s in fresh}, is_active=True, role=Role.ENTERPRISE):
        enterprise.setdefault(user.entity_id, []).append(user)
    disposals_url = reverse("sampling:disposals")
    for disposal in disposals:
        sample = disposal.sample
        url = f"{disposals_url}{disposal.pk}/"  # sampling:disposal_detail, without resolving it 500 times
        values = {"number": sample.number, "product": sample.product, "due": _local(disposal.due_at),
                  "retest": _local(disposal.retest_due)}  # fmt: skip
        notify(users=staff.get(sample.region_id, []), kind="sample.failed", group=sample.region_id,
               text=_("样品 %(number)s（%(product)s）检验不合格，已启动核查处置，%(due)s 前办结。") % values,
               url=url, group_text=_("%(n)d 个样品检验不合格"), group_url=disposals_url)  # fmt: skip
        notify(users=enterprise.get(sample.entity_id, []), kind="sample.failed", group=f"entity:{sample.entity_id}",
               text=_("贵单位被抽检的 %(product)s（%(number)s）检验不合格：如有异议，请于 %(retest)s 前申请复检；"
                      "请立即控制问题产品并配合核查处置。") % values, url=url)  # fmt: skip
    _audit_many(actor, "disposal.open", [
        (d, d.region_id, {"sample": d.sample.number, "due_at": d.due_at.isoformat(),
                          "retest_due": d.retest_due.isoformat()}) for d in disposals
    ])  # fmt: skip
    for notice in notices:
        sample = notice.sample
        notify(users=_region_staff(notice.to_region_id), kind="notice.received", group=notice.to_region_id,
               text=_("跨区域协查：%(producer)s 生产的 %(product)s（%(number)s）在外地抽检不合格，请核查处置并反馈。") % {
                   "producer": sample.producer_name or _("标称生产者"), "product": sample.product,
                   "number": sample.number},
               url=reverse("sampling:notice_detail", args=[notice.pk]))  # fmt: skip
    _audit_many(actor, "notice.send", [
        (n, n.sample.region_id, {"sample": n.sample.number, "to_region": n.to_region_id}) for n in notices
    ])  # fmt: skip
    return disposals


# -- the case ---------------------------------------------------------------------------------------------------


def _locked(disposal: Disposal) -> Disposal:
    disposal = Disposal.objects.select_for_update(of=("self",)).select_related("sample").get(pk=disposal.pk)
    if disposal.status == Disposal.Status.CLOSED:
        raise ValidationError(_("核查处置已办结，不能再修改。"))
    return disposal


def store_file(*, actor, upload) -> SamplePhoto:
    """Check and store one evidence file, not yet attached (claimed by the step that cites it)."""
    return checklists.store_file(SamplePhoto, actor=actor, upload=upload, allow_pdf=True)


@transaction.atomic
def record_step(*, actor, disposal: Disposal, step: str, note: str, file_ids=()) -> Disposal:
    """One of the 五到位 steps done, with its evidence (a note, and files if any)."""
    _require_staff(actor, disposal.region_id)
    disposal = _locked(disposal)
    if step not in STEP_CODES:
        raise ValidationError({"step": [_("未知的处置环节。")]})
    note = (note or "").replace("\x00", "").strip()
    label = str(dict(Disposal.STEPS)[step])
    if not note:
        raise ValidationError({"note": [_("请填写“%(step)s”的情况说明。") % {"step": label}]})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [_("情况说明不能超过 %(n)d 个字。") % {"n": NOTE_MAX}]})
    pending = SamplePhoto.objects.filter(sample__isnull=True, disposal__isnull=True)
    ids = [int(i) for i in file_ids or []]
    checklists.claim_files(pending, actor=actor, ids=ids, disposal=disposal)
    before = dict(disposal.steps)
    disposal.steps = {**disposal.steps, step: {"at": timezone.now().isoformat(), "by": actor.pk,
                                               "by_name": actor.name or actor.username, "note": note, "files": ids}}  # fmt: skip
    disposal.save(update_fields=["steps"])
    audit.record(actor=actor, action="disposal.step", obj=disposal, region_code=disposal.region_id,
                 before={"steps": sorted(before)}, after={"step": step, "files": len(ids)})  # fmt: skip
    return disposal


@transaction.atomic
def apply_retest(*, actor, disposal: Disposal, applied_at: datetime.datetime | None = None) -> Disposal:
    """The entity applied for a re-test, within `sampling.retest_apply` working days of the conclusion."""
    _require_staff(actor, disposal.region_id)
    disposal = _locked(disposal)
    applied_at = applied_at or timezone.now()
    if disposal.retest_applied_at:
        raise ValidationError({"applied_at": [_("已登记复检申请，不能重复登记。")]})
    if applied_at > disposal.retest_due:
        raise ValidationError({"applied_at": [_("复检申请已超过期限（%(d)s），不予受理。") % {
            "d": _local(disposal.retest_due)}]})  # fmt: skip
    if applied_at > timezone.now() + datetime.timedelta(minutes=10):
        raise ValidationError({"applied_at": [_("申请时间不能晚于当前时间。")]})
    disposal.retest_applied_at, disposal.status = applied_at, Disposal.Status.RETEST
    disposal.save(update_fields=["retest_applied_at", "status"])
    audit.record(actor=actor, action="disposal.retest_apply", obj=disposal, region_code=disposal.region_id,
                 after={"applied_at": applied_at.isoformat()})  # fmt: skip
    return disposal


@transaction.atomic
def retest_result(*, actor, disposal: Disposal, passed: bool) -> Disposal:
    """The re-test's conclusion: a passed re-test lets the case close without the five steps."""
    _require_staff(actor, disposal.region_id)
    disposal = _locked(disposal)
    if disposal.status != Disposal.Status.RETEST:
        raise ValidationError({"passed": [_("尚未登记复检申请。")]})
    disposal.retest_passed, disposal.status = bool(passed), Disposal.Status.OPEN
    disposal.save(update_fields=["retest_passed", "status"])
    audit.record(actor=actor, action="disposal.retest_result", obj=disposal, region_code=disposal.region_id,
                 after={"passed": bool(passed)})  # fmt: skip
    return disposal


def missing_steps(disposal: Disposal) -> list[str]:
    return [str(label) for code, label in Disposal.STEPS if code not in (disposal.steps or {})]


@transaction.atomic
def close(*, actor, disposal: Disposal, now: datetime.datetime | None = None) -> Disposal:
    """Close the case: all five steps done (unless the re-test passed); on time when closed by `due_at`."""
    _require_staff(actor, disposal.region_id)
    disposal = _locked(disposal)
    if disposal.status == Disposal.Status.RETEST:
        raise ValidationError(_("复检尚无结论，不能办结。"))
    missing = missing_steps(disposal)
    if missing and not disposal.retest_passed:
        raise ValidationError({"steps": [_("以下环节尚未到位：%(s)s。") % {"s": "、".join(missing)}]})
    now = now or timezone.now()
    disposal.closed_at, disposal.status, disposal.on_time = now, Disposal.Status.CLOSED, now <= disposal.due_at
    disposal.save(update_fields=["closed_at", "status", "on_time"])
    audit.record(actor=actor, action="disposal.close", obj=disposal, region_code=disposal.region_id,
                 after={"on_time": disposal.on_time, "retest_passed": disposal.retest_passed})  # fmt: skip
    return disposal


# -- the daily flags --------------------------------------------------------------------------------------------


def flag_overdue(*, now: datetime.datetime | None = None) -> int:
    """Tell the station once per open case past its deadline (an audit entry marks it told)."""
    now = now or timezone.now()
    late = list(Disposal.objects.exclude(status=Disposal.Status.CLOSED).filter(due_at__lt=now).select_related("sample"))
    told = set(
        AuditEntry.objects.filter(
            action="disposal.overdue", object_type="sampling.disposal", object_id__in=[str(d.pk) for d in late]
        ).values_list("object_id", flat=True)
    )
    fresh = [d for d in late if str(d.pk) not in told]
    staff = _station_staff({d.region_id for d in fresh}) if fresh else {}
    for disposal in fresh:
        with transaction.atomic():
            sample = disposal.sample
            notify(users=staff.get(disposal.region_id, []), kind="disposal.overdue", group=disposal.region_id,
                   text=_("不合格样品 %(number)s（%(product)s）的核查处置已超过办结期限 %(due)s。") % {
                       "number": sample.number, "product": sample.product, "due": _local(disposal.due_at)},
                   url=reverse("sampling:disposal_detail", args=[disposal.pk]),
                   group_text=_("%(n)d 件核查处置逾期"), group_url=reverse("sampling:disposals") + "?overdue=1")  # fmt: skip
            audit.record(actor=None, action="disposal.overdue", obj=disposal, region_code=disposal.region_id,
                         after={"due_at": disposal.due_at.isoformat()})  # fmt: skip
    return len(fresh)


# -- cross-region notices ---------------------------------------------------------------------------------------


def _notice_staff(actor, notice: CrossRegionNotice) -> CrossRegionNotice:
    if not (actor.is_superuser or actor.role in STAFF_ROLES) or not in_scope(actor, notice.to_region_id):
        raise PermissionDenied(_("只有通报所至区划的监管人员可以签收、反馈协查通报。"))
    return CrossRegionNotice.objects.select_for_update(of=("self",)).select_related("sample").get(pk=notice.pk)


@transaction.atomic
def acknowledge(*, actor, notice: CrossRegionNotice) -> CrossRegionNotice:
    """The receiving region signs for the notice (once)."""
    notice = _notice_staff(actor, notice)
    if notice.acknowledged_at is None:
        notice.acknowledged_at = timezone.now()
        notice.save(update_fields=["acknowledged_at"])
        audit.record(actor=actor, action="notice.acknowledge", obj=notice, region_code=notice.to_region_id)
    return notice


@transaction.atomic
def reply(*, actor, notice: CrossRegionNotice, text: str) -> CrossRegionNotice:
    """The receiving region's answer (核查处置情况); acknowledges it too. The sampling region's station hears."""
    notice = _notice_staff(actor, notice)
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise ValidationError({"reply": [_("请填写核查处置情况。")]})
    if len(text) > REPLY_MAX:
        raise ValidationError({"reply": [_("核查处置情况不能超过 %(n)d 个字。") % {"n": REPLY_MAX}]})
    now = timezone.now()
    notice.acknowledged_at = notice.acknowledged_at or now
    notice.reply, notice.replied_at = text, now
    notice.save(update_fields=["acknowledged_at", "reply", "replied_at"])
    sample = notice.sample
    notify(users=_station_staff([sample.region_id]).get(sample.region_id, []), kind="notice.replied",
           group=sample.region_id, text=_("样品 %(n)s 的跨区域协查已反馈。") % {"n": sample.number},
           url=reverse("sampling:notice_detail", args=[notice.pk]))  # fmt: skip
    audit.record(actor=actor, action="notice.reply", obj=notice, region_code=notice.to_region_id,
                 after={"length": len(text)})  # fmt: skip
    return notice
