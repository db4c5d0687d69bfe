"""挂牌督办 (docs/cases.md §4): a higher level puts a serious case under supervision, sees its status and
deadlines, and demands reports (each with its own due instant), which the handling office answers."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES
from shian.core import audit
from shian.core.deadlinechecks import Counts, Told, mark_each
from shian.core.jurisdiction import in_scope, require_in_scope, scope_prefix
from shian.core.regioncodes import COUNTY, PROVINCE, ancestor
from shian.core.services import notify
from shian.core.workdays import compute_due

from ..models import Case, ReportRequest, Supervision
from ..ruledefs import SUPERVISION_REPORT
from ..selectors import cases as selectors
from .cases import _require_handler

REQUEST_AUDITED = ["supervision_id", "question", "requested_at", "due_at", "answered_at"]


def supervising_level(actor, case: Case) -> str:
    """The region a supervisor speaks for: its own, which must lie strictly above the case's county (a city or
    the province over a county's case); a superuser speaks for the case's province."""
    if actor.is_superuser:
        return ancestor(case.region_id, PROVINCE)
    if actor.role not in ADMIN_ROLES:
        raise PermissionDenied(_("只有上级市场监管部门的管理员可以挂牌督办。"))
    require_in_scope(actor, case.region_id)
    level = scope_prefix(actor) or ""
    if len(level) >= len(ancestor(case.region_id, COUNTY) or case.region_id):
        raise ValidationError(_("挂牌督办须由承办单位的上级（市级或省级）作出。"))
    return level


def may_supervise(user, case: Case) -> bool:
    """Whether `user` may put `case` under 挂牌督办 (for showing the form; the service checks again)."""
    try:
        supervising_level(user, case)
    except (PermissionDenied, ValidationError, Http404):
        return False
    return True


def may_request(user, sup: Supervision) -> bool:
    try:
        _require_supervisor(user, sup)
    except PermissionDenied:
        return False
    return True


def supervise(*, actor, case: Case, reason: str) -> Supervision:
    """Put `case` under 挂牌督办 by the actor's level; the handling office is told."""
    level = supervising_level(actor, case)
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写督办事由。")]})
    if len(reason) > 300:
        raise ValidationError({"reason": [_("督办事由不能超过 300 个字。")]})
    with transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        if locked.status == Case.Status.CLOSED:
            raise ValidationError(_("案件已结案，不能挂牌督办。"))
        if Supervision.objects.filter(case=locked).exists():
            raise ValidationError(_("该案件已挂牌督办。"))
        sup = Supervision.objects.create(case=locked, level_id=level, reason=reason, started_at=timezone.now(),
                                         started_by=actor)  # fmt: skip
        audit.record(actor=actor, action="case.supervise", obj=sup, region_code=locked.region_id,
                     after={"case": locked.number, "level": level, "reason": reason})  # fmt: skip
        notify(users=selectors.handlers(locked.region_id),
               text=_("案件 %(n)s 已被挂牌督办：%(r)s") % {"n": locked.number, "r": reason[:60]},
               url=reverse("cases:case_detail", args=[locked.pk]), kind="case.supervised")  # fmt: skip
    return sup


def _require_supervisor(actor, sup: Supervision) -> None:
    if actor.is_superuser:
        return
    if actor.role not in ADMIN_ROLES or not in_scope(actor, sup.level_id):
        raise PermissionDenied(_("只有督办单位可以要求报送督办报告。"))


def request_report(*, actor, case: Case, question: str, due_on: datetime.date | None = None) -> ReportRequest:
    """The supervising level demands a report: due by `due_on` (end of that day) when given, else within
    `cases.supervision_report` working days."""
    sup = Supervision.objects.filter(case=case, ended_at__isnull=True).first()
    if sup is None:
        raise ValidationError(_("该案件未挂牌督办（或已摘牌），不能要求报送督办报告。"))
    _require_supervisor(actor, sup)
    question = str(question or "").strip()
    errors = {}
    if not question:
        errors["question"] = [_("请填写报告要求。")]
    elif len(question) > 500:
        errors["question"] = [_("报告要求不能超过 500 个字。")]
    now = timezone.now()
    if due_on is not None and due_on <= timezone.localdate(now):
        errors["due_on"] = [_("报送期限须晚于今天。")]
    if errors:
        raise ValidationError(errors)
    if due_on is None:
        due = compute_due(rule_code=SUPERVISION_REPORT.code, start=now, region_code=case.region_id)
        due_at, rule = due.due_at, due.rule
    else:
        tz = timezone.get_default_timezone()
        due_at = datetime.datetime.combine(due_on, datetime.time(23, 59, 59), tzinfo=tz)
        rule = {"code": "manual", "name": _("督办单位指定期限"), "by": actor.pk}
    with transaction.atomic():
        req = ReportRequest.objects.create(supervision=sup, question=question, requested_at=now, requested_by=actor,
                                           due_at=due_at, due_rule=rule)  # fmt: skip
        audit.record(actor=actor, action="case.report_request", obj=req, region_code=case.region_id,
                     after=audit.snapshot(req, REQUEST_AUDITED))  # fmt: skip
        notify(users=selectors.handlers(case.region_id),
               text=_("督办单位要求报送案件 %(n)s 的进展，期限 %(d)s") % {"n": case.number,
                                                               "d": timezone.localtime(due_at).date()},
               url=reverse("cases:case_detail", args=[case.pk]), kind="case.report_requested")  # fmt: skip
    return req


def answer_report(*, actor, request: ReportRequest, answer: str) -> ReportRequest:
    """The handling office answers a report request (once)."""
    case = request.supervision.case
    _require_handler(actor, case)
    answer = str(answer or "").strip()
    if not answer:
        raise ValidationError({"answer": [_("请填写报告内容。")]})
    if len(answer) > 5000:
        raise ValidationError({"answer": [_("报告内容不能超过 5000 个字。")]})
    with transaction.atomic():
        locked = ReportRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
        if locked.answered_at is not None:
            raise ValidationError(_("该督办报告已报送。"))
        locked.answer, locked.answered_at, locked.answered_by = answer, timezone.now(), actor
        locked.save()
        audit.record(actor=actor, action="case.report_answer", obj=locked, region_code=case.region_id,
                     after={"answered_at": locked.answered_at.isoformat(), "on_time": locked.answered_at <= locked.due_at})  # fmt: skip
        notify(users=[locked.requested_by], text=_("案件 %(n)s 已报送督办报告。") % {"n": case.number},
               url=reverse("cases:case_detail", args=[case.pk]), kind="case.report_answered")  # fmt: skip
    return locked


def check_requests(now: datetime.datetime) -> Counts:
    """Report requests unanswered past their due instant: marked once, the handlers and the requester told (in
    chunks, as the cases' checker: `deadlinechecks.mark_each`)."""
    pending = ReportRequest.objects.filter(answered_at__isnull=True)
    recipients = selectors.Recipients()

    def tell(req: ReportRequest, told: Told) -> None:
        case = req.supervision.case
        told.audit(action="case.report_overdue", obj=req, region_code=case.region_id,
                   after={"due_at": req.due_at.isoformat()})  # fmt: skip
        told.notify(users=[*recipients.handlers(case.region_id), req.requested_by],
                    text=_("督办报告逾期未报送：案件 %(n)s") % {"n": case.number},
                    url=reverse("cases:case_detail", args=[case.pk]), kind="case.report_overdue")  # fmt: skip

    overdue = mark_each(pending.filter(due_at__lt=now), field="overdue_at", now=now, tell=tell,
                        related=("supervision__case", "requested_by"))  # fmt: skip
    return Counts(pending.count(), overdue, 0)
