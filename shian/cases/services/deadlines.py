"""The cases' checker for `check_deadlines` (shian.core.deadlinechecks; docs/cases.md §2), registered from
CasesConfig.ready(): overdue decisions marked and escalated, overdue report requests of 挂牌督办 marked."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from shian.core import audit
from shian.core.deadlinechecks import Counts

from ..models import Case
from ..selectors import cases as selectors
from .cases import _tell, escalation_due
from .supervision import check_requests


def check_deadlines(now: datetime.datetime) -> Counts:
    """The cases' checker for `check_deadlines` (shian.core.deadlinechecks): every open case and open report
    request is checked; a case past its decision deadline is marked overdue once (audit + the handlers told), and
    `cases.escalate_after` working days later escalated once to the county's administrators and the supervising
    level. Idempotent: marks are kept on the rows. Who is told and when a due escalates are looked up once per
    region (and due instant), not per case."""
    open_cases = Case.objects.filter(status=Case.Status.OPEN)
    checked = open_cases.count()
    overdue = escalated = 0
    handlers: dict[str, list] = {}
    fields = ("pk", "number", "title", "region_id", "decision_due")
    for case in open_cases.filter(decision_due__lt=now, overdue_at__isnull=True).only(*fields).iterator():
        with transaction.atomic():
            if not Case.objects.filter(pk=case.pk, overdue_at__isnull=True).update(overdue_at=now):
                continue
            audit.record(actor=None, action="case.overdue", obj=case, region_code=case.region_id,
                         after={"decision_due": case.decision_due.isoformat()})  # fmt: skip
            if case.region_id not in handlers:
                handlers[case.region_id] = selectors.handlers(case.region_id)
            _tell(handlers[case.region_id], case,
                  _("案件逾期未作出决定：%(n)s %(t)s") % {"n": case.number, "t": case.title[:40]}, "case.overdue")  # fmt: skip
            overdue += 1
    escalation: dict[tuple, datetime.datetime] = {}
    for case in open_cases.filter(decision_due__lt=now, escalated_at__isnull=True).only(*fields).iterator():
        key = (case.region_id, case.decision_due)
        if key not in escalation:
            escalation[key] = escalation_due(case)
        if escalation[key] >= now:
            continue
        with transaction.atomic():
            if not Case.objects.filter(pk=case.pk, escalated_at__isnull=True).update(escalated_at=now):
                continue
            audit.record(actor=None, action="case.escalate", obj=case, region_code=case.region_id,
                         after={"decision_due": case.decision_due.isoformat()})  # fmt: skip
            _tell(selectors.escalation_targets(case), case,
                  _("案件逾期未决定已升级：%(n)s %(t)s") % {"n": case.number, "t": case.title[:40]}, "case.escalated")  # fmt: skip
            escalated += 1
    extra = check_requests(now)
    return Counts(checked, overdue, escalated) + extra
