"""Every write of the enterprise's own duties: records checked against who may keep them, audited."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import Role, User
from shian.baobao.grading import rule_list_errors
from shian.core import audit, rules, ruleversions
from shian.core.jurisdiction import require_in_scope
from shian.core.notifiers import deliver
from shian.core.permissions import require_perm
from shian.entities.models import Entity, KeyPerson

from . import selectors
from .models import DailyCheck, MonthlyMeeting, RiskItem, StaffingPolicy, TrainingRecord, WeeklyReport

BACKFILL_DAYS = "duties.backfill_days"  # the rule: a daily record may be filled for today or the days before


def _text(value, limit: int, field: str, *, required: bool = False, label: str = "") -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: [_("请填写%(label)s。") % {"label": label}]})
    if len(text) > limit:
        raise ValidationError({field: [_("%(label)s不超过 %(n)d 字。") % {"label": label, "n": limit}]})
    return text


def _created(actor, obj, action: str):
    audit.record(actor=actor, action=action, obj=obj, region_code=obj.region_id, after=audit.snapshot(obj))
    return obj


def _save_once(obj, message: str):
    """Insert a once-per-period record; a second one for the same period is refused, not a 500."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ValidationError(message) from exc
    return obj


@transaction.atomic
def record_daily_check(
    *, actor, entity: Entity, day: datetime.date | None = None, issues: list[dict] = ()
) -> DailyCheck:
    """日管控: no issues = the zero-risk report ("今日无风险"); otherwise each issue with its fix."""
    require_perm(actor, "duties.daily_check", entity)
    today = timezone.localdate()
    day = day or today
    backfill = rules.value(BACKFILL_DAYS, entity.region_id, today)
    if not today - datetime.timedelta(days=backfill) <= day <= today:
        raise ValidationError({"day": [_("只能填报今天或前 %(n)d 天的记录。") % {"n": backfill}]})
    rows = []
    for n, issue in enumerate(issues or [], start=1):
        area = _text(issue.get("area"), 100, "issues", required=True, label=_("第 %(n)d 条问题的风险点") % {"n": n})
        problem = _text(issue.get("issue"), 300, "issues", required=True, label=_("第 %(n)d 条问题") % {"n": n})
        fix = _text(issue.get("fix"), 300, "issues", label=_("第 %(n)d 条整改措施") % {"n": n})
        rows.append({"area": area, "issue": problem, "fix": fix})
    check = DailyCheck(
        entity=entity, region_id=entity.region_id, day=day, all_clear=not rows, issues=rows, checked_by=actor,
        checker_name=actor.name or actor.username,
    )  # fmt: skip
    _save_once(check, _("%(day)s 的日管控记录已填报。") % {"day": day})
    return _created(actor, check, "duties.daily")


def record_daily_findings(*, actor, entity: Entity, issues: list[dict], day: datetime.date | None = None) -> DailyCheck:
    """日管控 with something found: at least one issue (nothing found is the one-tap zero-risk report)."""
    if not issues:
        raise ValidationError({"issues": [_("请至少记录一个问题；没有问题请返回用“今日无风险”一键提交。")]})
    return record_daily_check(actor=actor, entity=entity, day=day, issues=issues)


@transaction.atomic
def submit_weekly_report(
    *, actor, entity: Entity, week: datetime.date, conclusion: str, findings: str = "", measures: str = ""
) -> WeeklyReport:
    """周排查 for the week starting Monday `week`, its counts taken from that week's daily records."""
    require_perm(actor, "duties.weekly_report", entity)
    if week.weekday() != 0:
        raise ValidationError({"week": [_("周排查按周一开始的自然周填报。")]})
    if week > timezone.localdate():
        raise ValidationError({"week": [_("不能填报尚未开始的一周。")]})
    summary = selectors.week_summary(entity=entity, week=week)
    report = WeeklyReport(
        entity=entity, region_id=entity.region_id, week=week, days_checked=summary["days_checked"],
        issues_found=summary["issues_found"], findings=_text(findings, 2000, "findings", label=_("排查发现")),
        measures=_text(measures, 2000, "measures", label=_("整改措施")),
        conclusion=_text(conclusion, 2000, "conclusion", required=True, label=_("本周评价")),
        reported_by=actor, reporter_name=actor.name or actor.username,
    )  # fmt: skip
    _save_once(report, _("%(week)s 这一周的周排查报告已提交。") % {"week": week})
    return _created(actor, report, "duties.weekly")


@transaction.atomic
def hold_monthly_meeting(
    *, actor, entity: Entity, held_on: datetime.date, attendees: str, issues: str, decisions: str, chair: str = ""
) -> MonthlyMeeting:
    """月调度: the principal's monthly meeting with the director, minuted."""
    require_perm(actor, "duties.monthly_meeting", entity)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": [_("会议日期不能晚于今天。")]})
    meeting = MonthlyMeeting(
        entity=entity, region_id=entity.region_id, month=held_on.replace(day=1), held_on=held_on,
        chair=_text(chair or actor.name or actor.username, 50, "chair", required=True, label=_("主持人")),
        attendees=_text(attendees, 300, "attendees", required=True, label=_("参会人员")),
        issues=_text(issues, 4000, "issues", required=True, label=_("本月情况及问题")),
        decisions=_text(decisions, 4000, "decisions", required=True, label=_("调度事项")), recorded_by=actor,
    )  # fmt: skip
    _save_once(meeting, _("%(month)s 的月调度会议纪要已提交。") % {"month": f"{held_on:%Y-%m}"})
    return _created(actor, meeting, "duties.monthly")


@transaction.atomic
def add_risk_item(*, actor, entity: Entity, area: str, measure: str) -> RiskItem:
    """The entity's own line on its risk-control list, after the province defaults for its kind."""
    require_perm(actor, "duties.edit_risk_list", entity)
    last = RiskItem.objects.filter(entity=entity).aggregate(n=Max("position"))["n"] or 0
    item = RiskItem.objects.create(
        entity=entity, position=last + 1, area=_text(area, 100, "area", required=True, label=_("风险点")),
        measure=_text(measure, 300, "measure", required=True, label=_("管控措施")), created_by=actor,
    )  # fmt: skip
    audit.record(
        actor=actor, action="duties.risk_item", obj=item, region_code=entity.region_id, after=audit.snapshot(item)
    )
    return item


@transaction.atomic
def record_training(
    *, actor, person: KeyPerson, day: datetime.date, hours, topic: str, provider: str = ""
) -> TrainingRecord:
    entity = person.entity
    require_in_scope(actor, entity.region_id)
    require_perm(actor, "duties.record_training", entity)
    try:
        amount = Decimal(str(hours)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"hours": [_("学时应为数字，如 2 或 1.5。")]}) from exc
    # one session never counts for more than the year's requirement
    most = rules.value(selectors.TRAINING_HOURS, entity.region_id)
    if not Decimal("0.5") <= amount <= most:
        raise ValidationError({"hours": [_("单次培训学时应在 0.5 到 %(most)d 之间。") % {"most": most}]})
    if day > timezone.localdate():
        raise ValidationError({"day": [_("培训日期不能晚于今天。")]})
    record = TrainingRecord(
        entity=entity, region_id=entity.region_id, person=person, day=day, hours=amount,
        topic=_text(topic, 200, "topic", required=True, label=_("培训内容")),
        provider=_text(provider, 100, "provider", label=_("培训机构")), recorded_by=actor,
    )  # fmt: skip
    record.save()
    return _created(actor, record, "duties.training")


def send_reminders(*, kind: str, today: datetime.date | None = None) -> int:
    """Remind the accounts of every entity that has not yet kept today's check, this week's report or this
    month's meeting; through the configured notifier backends. Returns how many accounts were reminded."""
    today = today or timezone.localdate()
    missing = selectors.entities_missing(kind=kind, today=today)
    users = User.objects.filter(role=Role.ENTERPRISE, is_active=True, entity__in=missing).select_related("entity")
    text = {
        "daily": _("今天的日管控记录还没有填写，请在今日内完成（无风险也请一键提交）。"),
        "weekly": _("本周的周排查报告还没有提交，请食品安全总监或安全员尽快填写。"),
        "monthly": _("本月的月调度会议还没有记录，请主要负责人组织召开并填写会议纪要。"),
    }[kind]
    group_text = {
        "daily": _("%(n)d 次提醒：日管控记录还没有填写"),
        "weekly": _("%(n)d 次提醒：周排查报告还没有提交"),
        "monthly": _("%(n)d 次提醒：月调度会议还没有记录"),
    }[kind]
    count = deliver(
        users=list(users), text=text, url=reverse("duties:home"), kind="duties.reminder", group=kind,
        group_text=group_text, group_url=reverse("duties:home"),
    )  # fmt: skip
    audit.record(actor=None, action=f"duties.remind_{kind}", object_type="duties.reminder", after={"accounts": count})
    return count


# -- staffing policy ------------------------------------------------------------------------------------------


@transaction.atomic
def add_staffing_policy_version(
    *,
    actor,
    region_code: str | None,
    valid_from: datetime.date | None,
    reason: str,
    director_rules,
    confirm_past: bool = False,
) -> StaffingPolicy:
    """Add a version of the staffing policy (who must have a food-safety director) for `region_code` from
    `valid_from`, with its reason; the rules have the 包保 grading rules' shape, without a grade. Audited."""
    region, version, reason, errors = ruleversions.check_policy_version(
        actor=actor, model=StaffingPolicy, region_code=region_code, valid_from=valid_from, reason=reason,
        confirm_past=confirm_past,
    )  # fmt: skip
    rule_errors = rule_list_errors(director_rules, graded=False)
    if rule_errors:
        errors["director_rules"] = rule_errors
    if errors:
        raise ValidationError(errors)
    current = rules.most_specific(StaffingPolicy.objects.all(), region_code or "", on=valid_from)
    return ruleversions.save_policy_version(
        actor=actor, model=StaffingPolicy, current=current, action="duties.staffing_policy_version",
        region_code=region_code,
        fields={"region": region, "version": version, "valid_from": valid_from, "director_rules": director_rules,
                "note": reason},
        busy=_("人员配备规则刚被他人修订，请刷新后重试。"),
    )  # fmt: skip
