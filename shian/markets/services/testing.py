"""Stall-level daily rapid tests (docs/markets.md §2): the market's testers (or the station) post each test of a
stall's product; a failed test counts towards the stall's hold, and at `markets.hold_failures` failures within
`markets.hold_window_days` days the stall's goods are put on hold and the station is alerted. The market or the
station releases the hold with a note.

    record_test(actor=, market=, stall_id=, day=, product=, item=, result=, tester=, at=None, room=None) -> StallTest
    release_hold(actor=, stall=, note=) -> Stall

A test the station makes with a rapid-test room (`room`, station staff only) is also written through the rapid
service of the sampling app (`shian.sampling.services.rapid.record_test`), so the room's day counts it, and the
stall test points to it (`StallTest.rapid_test`; why a record of its own: see the model's docstring)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role, User
from shian.core import audit, rules
from shian.core.notifiers import deliver
from shian.core.regioncodes import prefixes
from shian.entities.models import Entity
from shian.sampling.models import RapidTest, RapidTestRoom
from shian.sampling.services import rapid

from ..models import Stall, StallTest
from ..ruledefs import HOLD_FAILURES, HOLD_WINDOW
from .common import is_staff, require_keeper

RAPID_RESULT = {StallTest.Result.PASS: RapidTest.Result.NEGATIVE, StallTest.Result.FAIL: RapidTest.Result.POSITIVE}


def _moment(day: datetime.date, at: datetime.time | None, now: datetime.datetime) -> datetime.datetime:
    if at is None:
        return (
            now
            if day == timezone.localdate(now)
            else timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        )
    return timezone.make_aware(datetime.datetime.combine(day, at))


def find_stall(market: Entity, stall_id: int | None, errors: dict) -> Stall | None:
    """The stall of `market`; a stall of another market (or none) is an error on the field, never a write."""
    if not stall_id:
        errors["stall"] = [_("请选择摊位。")]
        return None
    stall = Stall.objects.filter(pk=stall_id, market=market).first()
    if stall is None:
        errors["stall"] = [_("该摊位不属于本市场，请从本市场的摊位中选择。")]
    return stall


@transaction.atomic
def record_test(*, actor, market: Entity, stall_id: int | None, day: datetime.date | None, product: str, item: str,
                result: str, tester: str, at: datetime.time | None = None,
                room: RapidTestRoom | None = None) -> StallTest:  # fmt: skip
    require_keeper(actor, market)
    now = timezone.now()
    errors: dict = {}
    stall = find_stall(market, stall_id, errors)
    if day is None:
        errors["day"] = [_("请填写检测日期（年-月-日）。")]
    elif day > timezone.localdate(now):
        errors["day"] = [_("检测日期不能晚于今天。")]
    elif stall is not None and not stall.active_on(day):
        errors["day"] = [
            _("摊位 %(n)s 在该日期未启用（启用日期 %(f)s）。") % {"n": stall.number, "f": stall.active_from}
        ]
    tested_at = None
    if day is not None and "day" not in errors:
        tested_at = _moment(day, at, now)
        if tested_at > now:
            errors["at"] = [_("检测时间不能晚于现在。")]
    product, item, tester = (product or "").strip(), (item or "").strip(), (tester or "").strip()
    if not product:
        errors["product"] = [_("请填写样品名称（如 青菜）。")]
    if not item:
        errors["item"] = [_("请填写检测项目（如 农药残留）。")]
    if not tester:
        errors["tester"] = [_("请填写检测人员。")]
    if result not in StallTest.Result.values:
        errors["result"] = [_("请选择检测结果（合格或不合格）。")]
    if room is not None and not is_staff(actor):
        raise PermissionDenied(_("只有市场监管所工作人员可以记入快检室的快检记录。"))
    if errors:
        raise ValidationError(errors)
    linked = None
    if room is not None:
        linked = rapid.record_test(actor=actor, room=room, day=day, product=product, item=item,
                                   result=RAPID_RESULT[result], entity_id=market.pk)  # fmt: skip
    test = StallTest.objects.create(
        stall=stall, market=market, region_id=market.region_id, day=day, tested_at=tested_at, product=product[:100],
        item=item[:100], result=result, tester=tester[:50], rapid_test=linked, recorded_by=actor,
    )  # fmt: skip
    audit.record(actor=actor, action="markets.test", obj=test, region_code=market.region_id,
                 after={"stall": stall.number, "day": day.isoformat(), "product": test.product, "item": test.item,
                        "result": result, "rapid_test": linked.pk if linked else None})  # fmt: skip
    if result == StallTest.Result.FAIL:
        _maybe_hold(actor, stall, test)
    return test


def _maybe_hold(actor, stall: Stall, test: StallTest) -> None:
    """Put the stall on hold when its failures within the window reach the rule's count; alert the station."""
    stall = Stall.objects.select_for_update().get(pk=stall.pk)
    if stall.on_hold:
        return
    window = rules.value(HOLD_WINDOW.code, stall.region_id, on=test.day)
    needed = rules.value(HOLD_FAILURES.code, stall.region_id, on=test.day)
    back = min(max(window, 1) - 1, test.day.toordinal() - 1)  # never before 0001-01-01
    since = test.day - datetime.timedelta(days=back)
    failures = StallTest.objects.filter(stall=stall, result=StallTest.Result.FAIL, day__gte=since,
                                        day__lte=test.day).count()  # fmt: skip
    if failures < max(needed, 1):
        return
    reason = _("%(d)s 快检不合格：%(p)s %(i)s") % {"d": test.day.isoformat(), "p": test.product, "i": test.item}
    stall.on_hold, stall.held_at, stall.hold_reason = True, timezone.now(), reason[:200]
    stall.save(update_fields=["on_hold", "held_at", "hold_reason"])
    audit.record(actor=actor, action="markets.hold", obj=stall, region_code=stall.region_id,
                 after={"market": stall.market_id, "stall": stall.number, "failures": failures, "test": test.pk})  # fmt: skip
    market = stall.market
    text = _("%(m)s %(n)s 号摊位%(r)s，已暂停销售，请市场监管所跟进处置。") % {
        "m": market.name, "n": stall.number, "r": reason}  # fmt: skip
    url = reverse("markets:market_detail", args=[market.pk])
    deliver(users=alert_recipients(market), text=text, url=url, kind="markets.hold", group=f"market:{market.pk}",
            group_text=_("%(m)s 有 %%(n)d 个摊位因快检不合格暂停销售") % {"m": market.name}, group_url=url)  # fmt: skip


def alert_recipients(market: Entity) -> list:
    """The station's staff over the market (the county's administrators when no station account exists) and the
    market's own accounts."""
    above = prefixes(market.region_id)
    active = User.objects.filter(is_active=True)
    staff = list(active.filter(role=Role.STATION_STAFF, region_id__in=above))
    if not staff:
        staff = list(active.filter(role__in=ADMIN_ROLES, region_id__in=above))
    return staff + list(active.filter(role=Role.ENTERPRISE, entity=market))


@transaction.atomic
def release_hold(*, actor, stall: Stall, note: str) -> Stall:
    require_keeper(actor, stall.market)
    note = (note or "").strip()
    errors = {}
    if not stall.on_hold:
        errors["stall"] = [_("摊位 %(n)s 未暂停销售。") % {"n": stall.number}]
    if not note:
        errors["note"] = [_("请说明解除暂停销售的依据（如 复检合格、问题产品已下架销毁）。")]
    if errors:
        raise ValidationError(errors)
    before = {"on_hold": True, "held_at": stall.held_at.isoformat() if stall.held_at else None,
              "reason": stall.hold_reason}  # fmt: skip
    stall.on_hold, stall.held_at, stall.hold_reason = False, None, ""
    stall.save(update_fields=["on_hold", "held_at", "hold_reason"])
    audit.record(actor=actor, action="markets.release", obj=stall, region_code=stall.region_id, before=before,
                 after={"on_hold": False, "note": note[:500]})  # fmt: skip
    return stall
