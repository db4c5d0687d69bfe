"""Recalls (docs/trace.md §4; 食品召回管理办法): started on a set of batches of one producer, voluntary (the producer
itself or a regulator for it) or ordered (a regulator only), level I/II/III. The start deadline runs from the moment
the risk was learned (hours, round the clock), the finish deadline from the announcement (working days); both are
rules (trace.recall_start_hours_N, trace.recall_finish_days_N) and the recall keeps the rules it was computed with.

Starting a recall traces the batches (selectors.trace.downstream), writes one notice per business the goods reached
with what it holds, and tells its accounts; each holder confirms removal, and the recall is complete when all have.
A business that never held a recalled batch cannot confirm. `check_deadlines` marks open recalls past their finish
due once (audit, the producer and the county's regulators told)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import Role, User
from shian.core import audit
from shian.core.deadlinechecks import Counts
from shian.core.regioncodes import COUNTY, TOWNSHIP, ancestor
from shian.core.services import notify
from shian.core.workdays import compute_due
from shian.entities.models import Entity

from ..models import Batch, Recall, RecallLevel, RecallNotice
from ..ruledefs import FINISH, START
from ..selectors.trace import downstream, ever_held, held_by
from .catalog import EARLIEST_YEAR, require_acts_for

REASON_MAX = 500
NOTE_LIMIT = 300
REGULATOR_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN,
                             Role.STATION_STAFF})  # fmt: skip


def _url(recall: Recall) -> str:
    return reverse("trace:recall_detail", args=[recall.pk])


def _entity_users(entity_ids) -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.ENTERPRISE, entity_id__in=list(entity_ids)))


def _regulators(region_code: str) -> list[User]:
    """The county's administrators and the township station's staff where the producer is."""
    places = [code for code in (ancestor(region_code, COUNTY), ancestor(region_code, TOWNSHIP)) if code]
    roles = [Role.COUNTY_ADMIN, Role.STATION_STAFF]
    return list(User.objects.filter(is_active=True, role__in=roles, region_id__in=places).order_by("pk")[:50])


def start_recall(*, actor, batches: list[Batch], kind: str, level, reason: str,
                 learned_at: datetime.datetime | None = None, sample=None,
                 now: datetime.datetime | None = None) -> Recall:  # fmt: skip
    now = now or timezone.now()
    errors: dict = {}
    batches = list({b.pk: b for b in batches}.values())
    if not batches:
        raise ValidationError({"batches": [_("请选择要召回的批次。")]})
    producers = {b.producer_id for b in batches}
    if len(producers) > 1:
        raise ValidationError({"batches": [_("一次召回只能包含同一生产经营者的批次。")]})
    producer = batches[0].producer
    require_acts_for(actor, producer)
    if kind not in Recall.Kind.values:
        errors["kind"] = [_("召回类型应为主动召回或责令召回。")]
    elif kind == Recall.Kind.ORDERED and not (actor.is_superuser or actor.role in REGULATOR_ROLES):
        raise PermissionDenied(_("责令召回只能由监管部门发起。"))
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if level not in RecallLevel.values:
        errors["level"] = [_("召回级别应为一级、二级或三级。")]
    reason = str(reason or "").replace("\x00", "").strip()
    if not reason:
        errors["reason"] = [_("请填写召回原因。")]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [_("召回原因不能超过 %(n)d 个字。") % {"n": REASON_MAX}]
    learned_at = learned_at or now
    if learned_at > now:
        errors["learned_at"] = [_("知悉风险时间不能晚于现在。")]
    elif learned_at.year < EARLIEST_YEAR:
        errors["learned_at"] = [_("知悉风险时间无效。")]
    open_ = Recall.objects.filter(status=Recall.Status.OPEN, batches__in=[b.pk for b in batches]).first()
    if open_ is not None:
        errors["batches"] = [_("所选批次已在召回中（%(n)s）。") % {"n": open_.number}]
    if errors:
        raise ValidationError(errors)
    start = compute_due(rule_code=START[level].code, start=learned_at, region_code=producer.region_id)
    finish = compute_due(rule_code=FINISH[level].code, start=now, region_code=producer.region_id)
    holders = downstream([b.pk for b in batches])
    with transaction.atomic():
        recall = Recall.objects.create(
            number=f"tmp-{now.timestamp()}-{actor.pk}", kind=kind, level=level, producer=producer,
            region_id=producer.region_id, reason=reason, sample=sample, learned_at=learned_at, announced_at=now,
            start_due=start.due_at, started_on_time=now <= start.due_at, finish_due=finish.due_at,
            due_rules={"start": start.rule, "finish": finish.rule}, created_by=actor,
        )  # fmt: skip
        recall.number = f"ZH{timezone.localtime(now):%Y}{recall.pk:06d}"
        recall.save(update_fields=["number"])
        recall.batches.set(batches)
        regions = dict(Entity.objects.filter(pk__in=[h.entity_id for h in holders]).values_list("pk", "region_id"))
        RecallNotice.objects.bulk_create([
            RecallNotice(recall=recall, entity_id=h.entity_id, region_id=regions[h.entity_id], held_quantity=h.held,
                         received_quantity=h.received, notified_at=now)
            for h in holders if h.entity_id in regions
        ])  # fmt: skip
        audit.record(actor=actor, action="trace.recall_start", obj=recall, region_code=recall.region_id,
                     after={"number": recall.number, "kind": kind, "level": level, "batches": [b.pk for b in batches],
                            "holders": len(holders), "finish_due": finish.due_at.isoformat(),
                            "sample_id": getattr(sample, "pk", None)})  # fmt: skip
        names = "、".join(f"{b.product.name} {b.batch_number}" for b in batches[:3])
        notify(users=_entity_users(regions.keys()) + _regulators(producer.region_id),
               text=_("%(l)s（%(n)s）：%(p)s，请立即停止销售并确认下架。") % {
                   "l": RecallLevel(level).label, "n": recall.number, "p": names},
               url=_url(recall), kind="trace.recall", group=f"recall-{recall.pk}",
               group_text=_("%(n)d 条召回通知"), group_url=reverse("trace:recall_list"))  # fmt: skip
    return recall


def confirm_removal(*, actor, recall: Recall, entity: Entity, removed_quantity=None, note: str = "",
                    now: datetime.datetime | None = None) -> RecallNotice:  # fmt: skip
    """The holder's confirmation that it removed (下架) the recalled goods; a business that never held a recalled
    batch is refused, a second confirmation too."""
    require_acts_for(actor, entity)
    now = now or timezone.now()
    note = str(note or "").replace("\x00", "").strip()
    if len(note) > NOTE_LIMIT:
        raise ValidationError({"note": [_("说明不能超过 %(n)d 个字。") % {"n": NOTE_LIMIT}]})
    batch_ids = list(recall.batches.values_list("pk", flat=True))
    with transaction.atomic():
        locked = Recall.objects.select_for_update().get(pk=recall.pk)
        if locked.status != Recall.Status.OPEN:
            raise ValidationError(_("召回 %(n)s 已完成，无需再确认。") % {"n": locked.number})
        notice = RecallNotice.objects.filter(recall=locked, entity=entity).first()
        if notice is None:
            if not ever_held(batch_ids, entity.pk):
                raise ValidationError(_("%(e)s从未持有召回 %(n)s 涉及的批次，不能确认下架。")
                                      % {"e": entity.name, "n": locked.number})  # fmt: skip
            held = sum(max(0, held_by(pk, entity.pk)) for pk in batch_ids)
            notice = RecallNotice.objects.create(recall=locked, entity=entity, region_id=entity.region_id,
                                                 held_quantity=held, received_quantity=held, notified_at=now)  # fmt: skip
        if notice.confirmed_at is not None:
            raise ValidationError(
                _("%(e)s已于 %(t)s 确认下架。")
                % {"e": entity.name, "t": timezone.localtime(notice.confirmed_at).strftime("%Y-%m-%d %H:%M")}
            )
        try:
            removed = notice.held_quantity if removed_quantity in (None, "") else int(removed_quantity)
        except (TypeError, ValueError):
            raise ValidationError({"removed_quantity": [_("下架数量应为整数。")]}) from None
        if removed < 0:
            raise ValidationError({"removed_quantity": [_("下架数量不能为负数。")]})
        notice.confirmed_at, notice.confirmed_by, notice.removed_quantity, notice.note = now, actor, removed, note
        notice.save(update_fields=["confirmed_at", "confirmed_by", "removed_quantity", "note"])
        audit.record(actor=actor, action="trace.recall_confirm", obj=locked, region_code=entity.region_id,
                     after={"entity_id": entity.pk, "removed_quantity": removed, "note": note})  # fmt: skip
        if not locked.notices.filter(confirmed_at__isnull=True).exists():
            locked.status, locked.completed_at = Recall.Status.COMPLETED, now
            locked.save(update_fields=["status", "completed_at"])
            audit.record(actor=actor, action="trace.recall_complete", obj=locked, region_code=locked.region_id,
                         after={"completed_at": now.isoformat(), "on_time": now <= locked.finish_due})  # fmt: skip
    return notice


def check_deadlines(now: datetime.datetime) -> Counts:
    """Open recalls past their finish due are marked overdue once (a conditional update), audited and alerted."""
    open_ = Recall.objects.filter(status=Recall.Status.OPEN)
    checked = open_.count()
    overdue = 0
    for recall in open_.filter(finish_due__lt=now, overdue_at__isnull=True).select_related("producer"):
        with transaction.atomic():
            if not Recall.objects.filter(pk=recall.pk, overdue_at__isnull=True).update(overdue_at=now):
                continue
            waiting = recall.notices.filter(confirmed_at__isnull=True).count()
            audit.record(actor=None, action="trace.recall_overdue", obj=recall, region_code=recall.region_id,
                         after={"finish_due": recall.finish_due.isoformat(), "unconfirmed": waiting})  # fmt: skip
            notify(users=_entity_users([recall.producer_id]) + _regulators(recall.region_id),
                   text=_("召回 %(n)s（%(p)s）已过完成期限，仍有 %(w)d 家持有者未确认下架。")
                   % {"n": recall.number, "p": recall.producer.name, "w": waiting},
                   url=_url(recall), kind="trace.recall_overdue", group=f"recall-overdue-{recall.region_id}",
                   group_text=_("%(n)d 起召回逾期未完成"), group_url=reverse("trace:recall_list"))  # fmt: skip
            overdue += 1
    return Counts(checked, overdue, 0)
