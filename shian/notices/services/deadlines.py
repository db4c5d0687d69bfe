"""The notices' checker for `check_deadlines` (shian.core.deadlinechecks; docs/notices.md §3), registered from
NoticesConfig.ready(): a delivered notice whose reply due has passed without a reply is marked overdue once (audit, the
issuer and the recipient told) and, `notices.escalate_after` working days after its due, escalated once: the next
grade's notice is drafted for the issuer to sign (same recipient, subject and requirement, the facts noting the
overdue notice); at the top grade the administrators of the level above the issuer are told instead."""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from shian.core import audit
from shian.core.deadlinechecks import Counts
from shian.core.services import notify
from shian.core.workdays import compute_due

from ..models import Notice
from ..ruledefs import ESCALATE_AFTER
from ..selectors import notices as selectors
from ..selectors.types import next_type
from .notices import AUDITED


def escalation_due(notice: Notice) -> datetime.datetime:
    return compute_due(
        rule_code=ESCALATE_AFTER.code, start=notice.reply_due, region_code=notice.issuer_region_id
    ).due_at


def _url(notice: Notice) -> str:
    return reverse("notices:notice_detail", args=[notice.pk])


def check_deadlines(now: datetime.datetime) -> Counts:
    """Idempotent: the marks (`overdue_at`, `escalated_at`) are set by a conditional update, and a notice escalates to
    at most one next-grade notice (`previous` is one-to-one)."""
    waiting = Notice.objects.filter(status=Notice.Status.DELIVERED, reply_due__isnull=False)
    checked = waiting.count()
    overdue = escalated = 0
    related = ("issuer_region", "notice_type", "region")
    admins: dict[str, list] = {}  # the issuing office's administrators, looked up once per office
    for notice in waiting.filter(reply_due__lt=now, overdue_at__isnull=True).select_related(*related):
        with transaction.atomic():
            if not Notice.objects.filter(pk=notice.pk, overdue_at__isnull=True).update(overdue_at=now):
                continue
            audit.record(actor=None, action="notices.overdue", obj=notice, region_code=notice.region_id,
                         after={"reply_due": notice.reply_due.isoformat()})  # fmt: skip
            if notice.issuer_region_id not in admins:
                admins[notice.issuer_region_id] = selectors.issuer_admins(notice.issuer_region_id)
            notify(users=[*admins[notice.issuer_region_id], *selectors.recipient_users(notice)],
                   text=_("%(t)s（%(n)s）逾期未答复：%(r)s") % {"t": notice.type_title, "n": notice.number,
                                                         "r": notice.recipient_name},
                   url=_url(notice), kind="notices.overdue", group=f"notices-overdue-{notice.issuer_region_id}",
                   group_text=_("%(n)d 份三书一函逾期未答复"), group_url=reverse("notices:notice_list"))  # fmt: skip
            overdue += 1
    dues: dict[tuple, datetime.datetime] = {}
    for notice in waiting.filter(reply_due__lt=now, escalated_at__isnull=True).select_related(*related):
        key = (notice.issuer_region_id, notice.reply_due)
        if key not in dues:
            dues[key] = escalation_due(notice)
        if dues[key] >= now:
            continue
        try:
            with transaction.atomic():
                if not Notice.objects.filter(pk=notice.pk, escalated_at__isnull=True).update(escalated_at=now):
                    continue
                if notice.issuer_region_id not in admins:
                    admins[notice.issuer_region_id] = selectors.issuer_admins(notice.issuer_region_id)
                _escalate(notice, now, admins[notice.issuer_region_id])
                escalated += 1
        except IntegrityError:  # a next-grade notice exists already (escalated by hand or by another run)
            continue
    return Counts(checked, overdue, escalated)


def _escalate(notice: Notice, now: datetime.datetime, issuers: list) -> None:
    upper = next_type(notice.grade, notice.issuer_region_id)
    if upper is None:
        audit.record(actor=None, action="notices.escalate_above", obj=notice, region_code=notice.region_id,
                     after={"number": notice.number, "grade": notice.grade})  # fmt: skip
        notify(users=selectors.admins_above(notice.issuer_region_id),
               text=_("%(o)s发出的%(t)s（%(n)s）逾期未答复，已是最高等级文书：%(r)s") % {
                   "o": notice.issuer_region.name, "t": notice.type_title, "n": notice.number,
                   "r": notice.recipient_name},
               url=_url(notice), kind="notices.escalated", group=f"notices-escalated-{notice.issuer_region_id}",
               group_text=_("%(n)d 份三书一函逾期升级"), group_url=reverse("notices:notice_list"))  # fmt: skip
        return
    facts = _("（%(t)s %(n)s 逾期未答复，升级为%(u)s。）") % {"t": notice.type_title, "n": notice.number,
                                                       "u": upper.title} + "\n" + notice.facts  # fmt: skip
    draft = Notice.objects.create(
        notice_type=upper, type_title=upper.title, grade=upper.grade, issuer_region_id=notice.issuer_region_id,
        region_id=notice.region_id, recipient_kind=notice.recipient_kind, department_id=notice.department_id,
        entity_id=notice.entity_id, recipient_name=notice.recipient_name, subject=notice.subject,
        facts=facts[:5000], requirement=notice.requirement, previous=notice, created_by=None, created_at=now,
    )  # fmt: skip
    audit.record(actor=None, action="notices.escalate", obj=draft, region_code=notice.region_id,
                 after={"from": notice.number, **audit.snapshot(draft, AUDITED)})  # fmt: skip
    notify(users=issuers,
           text=_("%(t)s（%(n)s）逾期未答复，已拟制%(u)s，请审核签发：%(r)s") % {
               "t": notice.type_title, "n": notice.number, "u": upper.title, "r": notice.recipient_name},
           url=_url(draft), kind="notices.escalated", group=f"notices-escalated-{notice.issuer_region_id}",
           group_text=_("%(n)d 份三书一函逾期升级"), group_url=reverse("notices:notice_list"))  # fmt: skip
