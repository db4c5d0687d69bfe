"""The cases' checker for `check_deadlines` (shian.core.deadlinechecks; docs/cases.md §2), registered from
CasesConfig.ready(): overdue decisions marked and escalated, overdue report requests of 挂牌督办 marked.

Chunked like the emergency checkers (`deadlinechecks.mark_each`): each chunk of cases is marked, audited and
alerted in one transaction with a few queries (the marks, who muted the kind, one insert of the alerts, one of the
entries), and who is told and the escalation rule are looked up once per region, not per case."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from shian.core import rules
from shian.core.deadlinechecks import Counts, Told, mark_each
from shian.core.regioncodes import TOWNSHIP, ancestor
from shian.core.workdays import due_by

from ..models import Case
from ..ruledefs import ESCALATE_AFTER
from ..selectors import cases as selectors
from .supervision import check_requests

GROUP_TEXTS = {"case.overdue": _lazy("%(n)d 件案件逾期未作出决定"), "case.escalated": _lazy("%(n)d 件逾期案件已升级")}


def check_deadlines(now: datetime.datetime) -> Counts:
    """The cases' checker for `check_deadlines` (shian.core.deadlinechecks): every open case and open report
    request is checked; a case past its decision deadline is marked overdue once (audit + the handlers told), and
    `cases.escalate_after` working days later escalated once to the county's administrators and the supervising
    level. Idempotent: marks are kept on the rows."""
    open_cases = Case.objects.filter(status=Case.Status.OPEN)
    past = open_cases.filter(decision_due__lt=now)
    recipients = selectors.Recipients()
    escalate_after = rules.resolver(ESCALATE_AFTER.code)  # one read of the rule for the run

    def escalation_due(case: Case) -> datetime.datetime:
        rule = escalate_after(case.region_id, timezone.localtime(case.decision_due).date())
        return due_by(rule, case.decision_due)

    overdue = mark_each(
        past, field="overdue_at", now=now, related=(),
        tell=lambda case, told: _tell(told, recipients.handlers(case.region_id), case, "case.overdue",
                                      _("案件逾期未作出决定：%(n)s %(t)s"), "case.overdue"),
    )  # fmt: skip
    escalated = mark_each(
        past, field="escalated_at", now=now, related=("supervision",), ready=lambda case: escalation_due(case) < now,
        tell=lambda case, told: _tell(told, recipients.escalation_targets(case), case, "case.escalate",
                                      _("案件逾期未决定已升级：%(n)s %(t)s"), "case.escalated"),
    )  # fmt: skip
    return Counts(open_cases.count(), overdue, escalated) + check_requests(now)


def _tell(told: Told, users, case: Case, action: str, text: str, kind: str) -> None:
    """The audit entry of the mark and the alert to `users`; the alerts of one township are grouped."""
    told.audit(action=action, obj=case, region_code=case.region_id,
               after={"decision_due": case.decision_due.isoformat()})  # fmt: skip
    township = ancestor(case.region_id, TOWNSHIP) or case.region_id
    told.notify(users=users, text=text % {"n": case.number, "t": case.title[:40]},
                url=reverse("cases:case_detail", args=[case.pk]), kind=kind, group=f"region:{township}",
                group_text=str(GROUP_TEXTS.get(kind, "%(n)d")), group_url=reverse("cases:case_list") + "?overdue=1")  # fmt: skip
