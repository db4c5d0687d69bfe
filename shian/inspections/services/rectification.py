"""Rectification orders (docs/inspections.md §5): made when an inspection is signed 基本符合 or 不符合, answered
by the enterprise from its own account with evidence, re-checked by an inspector, and escalated into a case
referral when still open `inspections.escalate_after` working days past the deadline."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role, User
from shian.checklists import services as checklists
from shian.core import audit
from shian.core.jurisdiction import get_entity_row
from shian.core.regioncodes import COUNTY, ancestor
from shian.core.services import notify
from shian.core.workdays import compute_due

from ..models import CaseReferral, InspectionPhoto, Outcome, Recheck, RectificationAnswer, RectificationOrder
from ..ruledefs import ESCALATE_AFTER, RECTIFY_BASIC, RECTIFY_NONCONFORM

DEADLINE_RULE = {Outcome.BASIC: RECTIFY_BASIC.code, Outcome.NONCONFORM: RECTIFY_NONCONFORM.code}
RECHECKERS = ADMIN_ROLES | {Role.STATION_STAFF}


def _snapshot(order: RectificationOrder) -> dict:
    return audit.snapshot(order, fields=["status", "closed_at", "escalated_at"])


def next_number(region_code: str, year: int) -> str:
    """整改〔2026〕370725-0001: numbered per county and year."""
    county = ancestor(region_code, COUNTY)
    prefix = f"整改〔{year}〕{county}-"
    last = (
        RectificationOrder.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
    ).first()
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:04d}"


def create_order(inspection, failed: list[tuple], *, repeat: bool) -> RectificationOrder:
    """The order of a signed inspection (called inside its transaction): the failed items, the deadline by the
    outcome's rule on the working-day clock. `failed` holds (ChecklistItem, answer note) pairs."""
    due = compute_due(
        rule_code=DEADLINE_RULE[inspection.outcome], start=inspection.signed_at, region_code=inspection.region_id
    )
    items = [
        {"item": item.pk, "position": item.position, "text": item.text, "severity": item.severity, "note": note}
        for item, note in failed
    ]
    year = timezone.localtime(inspection.signed_at).year
    for _attempt in range(3):  # two orders numbered at once in one county: the second takes the next number
        try:
            with transaction.atomic():
                order = RectificationOrder.objects.create(
                    inspection=inspection, entity_id=inspection.entity_id, region_id=inspection.region_id,
                    number=next_number(inspection.region_id, year), items=items, issued_at=inspection.signed_at,
                    due_at=due.due_at, due_rule=due.rule, repeat=repeat,
                )  # fmt: skip
            break
        except IntegrityError:
            continue
    else:
        raise ValidationError(_("整改通知编号冲突，请重试。"))
    owners = User.objects.filter(entity_id=inspection.entity_id, role=Role.ENTERPRISE, is_active=True)
    notify(
        users=owners,
        text=_("监督检查责令整改（%(no)s），请于 %(due)s 前整改并反馈。")
        % {"no": order.number, "due": timezone.localtime(order.due_at).date()},
        url=reverse("inspections:order_detail", args=[order.pk]),
        kind="order.issued",
        group=f"entity:{order.entity_id}",
        group_text=_("%(n)d 份监督检查整改通知待反馈"),
        group_url=reverse("inspections:orders") + "?status=open",
    )
    return order


def _locked(actor, order: RectificationOrder) -> RectificationOrder:
    """The order re-read under a row lock; one the actor cannot see is a 404 (another entity's: 404 too)."""
    get_entity_row(RectificationOrder.objects.all(), actor, pk=order.pk)
    return RectificationOrder.objects.select_for_update().get(pk=order.pk)


def _move(actor, order: RectificationOrder, action: str, extra: dict | None = None, **changes) -> None:
    before = _snapshot(order)
    for field, value in changes.items():
        setattr(order, field, value)
    order.save(update_fields=list(changes))
    audit.record(
        actor=actor, action=action, obj=order, region_code=order.region_id, before=before,
        after={**_snapshot(order), **(extra or {})},
    )  # fmt: skip


def store_photo(*, actor, upload) -> InspectionPhoto:
    """Check and store one photo, not yet attached: the inspection or answer that uses it claims it."""
    return checklists.store_file(InspectionPhoto, actor=actor, upload=upload)


def claim_photos(actor, ids, **owner) -> None:
    pending = InspectionPhoto.objects.filter(inspection__isnull=True, answer__isnull=True)
    checklists.claim_files(pending, actor=actor, ids=ids, **owner)


@transaction.atomic
def answer_order(*, actor, order: RectificationOrder, text: str, photo_ids=()) -> RectificationAnswer:
    """The enterprise reports its rectification with evidence photos, from its own account only."""
    if actor.role != Role.ENTERPRISE:
        raise PermissionDenied(_("整改情况由被检查单位在本单位账号中反馈。"))
    order = _locked(actor, order)
    if order.status in (RectificationOrder.Status.CLOSED, RectificationOrder.Status.ESCALATED):
        raise ValidationError(
            _("整改通知 %(no)s 已%(s)s，不能再反馈整改情况。") % {"no": order.number, "s": order.get_status_display()}
        )
    if order.status == RectificationOrder.Status.ANSWERED:
        raise ValidationError(_("整改情况已反馈，正在等待复查，请勿重复提交。"))
    text = (text or "").strip()
    if not text or len(text) > 2000:
        raise ValidationError({"text": [_("请填写整改情况（不超过 2000 字）。")]})
    answer = RectificationAnswer.objects.create(order=order, text=text, answered_by=actor)
    claim_photos(actor, list(photo_ids or ()), answer_id=answer.pk)
    _move(actor, order, "order.answer", {"answer": text}, status=RectificationOrder.Status.ANSWERED)
    inspectors = order.inspection.signatures.values_list("inspector", flat=True)
    notify(
        users=User.objects.filter(pk__in=inspectors, is_active=True),
        text=_("%(e)s 已反馈整改情况（%(no)s），请复查。") % {"e": order.entity.name, "no": order.number},
        url=reverse("inspections:order_detail", args=[order.pk]),
        kind="order.answered",
        group="recheck",
        group_text=_("%(n)d 份整改反馈待复查"),
        group_url=reverse("inspections:orders") + "?status=answered",
    )
    return answer


@transaction.atomic
def recheck_order(*, actor, order: RectificationOrder, passed: bool, note: str = "") -> Recheck:
    """The inspector's re-check of an answered order: passed closes it, failed sends it back open with the note."""
    order = _locked(actor, order)
    station_ids = actor.inspection_stations.values_list("pk", flat=True) if actor.is_authenticated else []
    signers = set(order.inspection.signatures.values_list("inspector_id", flat=True))
    if not (
        actor.is_superuser
        or actor.role in RECHECKERS
        or actor.pk in signers
        or (order.inspection.station_id and order.inspection.station_id in set(station_ids))
    ):
        raise PermissionDenied(_("只有检查人员或市场监管所人员可以复查。"))
    if order.status != RectificationOrder.Status.ANSWERED:
        raise ValidationError(
            _("只有企业已反馈的整改通知才能复查（当前：%(s)s）。") % {"s": order.get_status_display()}
        )
    note = (note or "").strip()
    if not passed and not note:
        raise ValidationError({"note": [_("复查不通过须填写复查意见。")]})
    if len(note) > 500:
        raise ValidationError({"note": [_("复查意见不超过 500 字。")]})
    recheck = Recheck.objects.create(order=order, passed=passed, note=note, inspector=actor)
    if passed:
        _move(actor, order, "order.recheck", {"passed": True, "note": note},
              status=RectificationOrder.Status.CLOSED, closed_at=timezone.now())  # fmt: skip
        text = _("整改通知 %(no)s 复查通过，已销号。") % {"no": order.number}
    else:
        _move(actor, order, "order.recheck", {"passed": False, "note": note}, status=RectificationOrder.Status.OPEN)
        text = _("整改通知 %(no)s 复查未通过：%(n)s") % {"no": order.number, "n": note}
    notify(
        users=User.objects.filter(entity_id=order.entity_id, role=Role.ENTERPRISE, is_active=True),
        text=text,
        url=reverse("inspections:order_detail", args=[order.pk]),
        kind="order.rechecked",
        group=f"entity:{order.entity_id}",
        group_text=_("%(n)d 份整改通知已复查"),
        group_url=reverse("inspections:orders"),
    )
    return recheck


def escalation_due(order: RectificationOrder) -> datetime.datetime:
    """When an order still open is escalated: `inspections.escalate_after` working days past its deadline."""
    return compute_due(rule_code=ESCALATE_AFTER.code, start=order.due_at, region_code=order.region_id).due_at


def escalate_overdue_orders(*, actor=None, now: datetime.datetime | None = None) -> int:
    """Orders still open past deadline + `inspections.escalate_after` working days become 逾期移送立案: a
    CaseReferral for the case branch and a notification to the entity's station. Idempotent (run daily): each
    order is re-read under a lock and escalated only while still open."""
    now = now or timezone.now()
    count = 0
    candidates = RectificationOrder.objects.filter(status=RectificationOrder.Status.OPEN, due_at__lt=now)
    for pk in list(candidates.values_list("pk", flat=True)):
        with transaction.atomic():
            order = candidates.select_for_update().filter(pk=pk).first()
            if order is None or escalation_due(order) >= now:
                continue
            _move(actor, order, "order.escalate", status=RectificationOrder.Status.ESCALATED, escalated_at=now)
            referral = CaseReferral.objects.create(
                entity_id=order.entity_id, region_id=order.region_id, source="rectification", order=order,
                reason=_("整改通知 %(no)s 逾期未整改（期限 %(due)s）。")
                % {"no": order.number, "due": timezone.localtime(order.due_at).date()},
            )  # fmt: skip
            station = order.inspection.station
            users = list(station.inspectors.filter(is_active=True)) if station else []
            notify(
                users=users,
                text=_("%(e)s 的整改通知 %(no)s 逾期未整改，已移送立案。")
                % {"e": order.entity.name, "no": order.number},
                url=reverse("inspections:order_detail", args=[order.pk]),
                kind="order.escalated",
                group=f"station:{station.pk if station else ''}",
                group_text=_("%(n)d 份整改通知逾期未整改，已移送立案"),
                group_url=reverse("inspections:orders") + "?status=escalated",
            )
            audit.record(actor=actor, action="order.refer", obj=referral, region_code=order.region_id,
                         after=audit.snapshot(referral))  # fmt: skip
            count += 1
    return count
