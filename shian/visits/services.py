"""Every write in the visit loop: checklist versions, signed visits, addenda, problems to closure, escalation."""

import datetime
import math
import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role, User
from shian.baobao.models import Guarantee
from shian.core import audit, rules
from shian.core.config import most_specific, region_prefixes
from shian.core.jurisdiction import get_entity_row, require_in_scope, scope_prefix
from shian.core.periods import quarter_of
from shian.core.permissions import require_perm
from shian.core.regioncodes import COUNTY, TOWNSHIP, ancestor
from shian.core.services import notify
from shian.core.uploads import check_upload
from shian.core.workdays import compute_due
from shian.entities.models import Entity
from shian.regions.models import Region

from . import exports, selectors
from .checklists import kind_for
from .models import (
    Addendum,
    Answer,
    Attachment,
    Checklist,
    ChecklistItem,
    ChecklistKind,
    Problem,
    ProblemEvent,
    Severity,
    Visit,
)

# issue 7: visits worth a second look (the rules in visits/ruledefs.py)
SHORT_VISIT_MINUTES, FAR_VISIT_METRES = "visits.short_visit_minutes", "visits.far_visit_metres"
MAX_CLOCK_SKEW = datetime.timedelta(minutes=10)
MAX_DRAFT_AGE = "visits.draft_max_age_days"  # the rule: how old an offline draft may be when signed
RECTIFY_RULE = {Severity.KEY: "problem.rectify_key", Severity.GENERAL: "problem.rectify_general"}


# -- checklists -----------------------------------------------------------------------------------------------


@transaction.atomic
def create_checklist_version(
    *, actor, kind: str, region_code: str | None, title: str, items: list[dict], note: str = ""
) -> Checklist:
    """Edit a checklist by adding a version for the region (blank = province defaults, superusers only)."""
    require_perm(actor, "visits.manage_checklists")
    if kind not in ChecklistKind.values:
        raise ValidationError({"kind": [_("检查表类型无效：%(k)s") % {"k": kind}]})
    region = None
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            raise ValidationError({"region_code": [_("区划代码不存在：%(code)s") % {"code": region_code}]})
    elif not actor.is_superuser:
        raise PermissionDenied(_("只有系统管理员可以修改省级默认检查表。"))
    require_in_scope(actor, region_code or "")
    if not (title or "").strip():
        raise ValidationError({"title": [_("请填写检查表名称。")]})
    rows = _checked_items(items)
    # Number on from the newest version that applies here (the region's own, those above it, the defaults), so
    # a county's first edit of default v1 is v2: "v1" on a visit then always means the list before any edit.
    above = region_prefixes(region_code or "")
    applying = Checklist.objects.filter(Q(region__isnull=True) | Q(region_id__in=above), kind=kind)
    latest = applying.aggregate(v=Max("version"))["v"] or 0
    try:
        with transaction.atomic():  # two editors saving at once: the second is told, not given a 500
            checklist = Checklist.objects.create(
                kind=kind, region=region, version=latest + 1, title=title.strip()[:100], note=(note or "")[:200],
                created_by=actor,
            )  # fmt: skip
    except IntegrityError as exc:
        raise ValidationError(_("检查表刚被他人修订，请刷新后重试。")) from exc
    ChecklistItem.objects.bulk_create(ChecklistItem(checklist=checklist, position=n, **row) for n, row in rows)
    audit.record(
        actor=actor, action="checklist.version", obj=checklist, region_code=region_code or "",
        after={**audit.snapshot(checklist), "items": [row for _n, row in rows]},
    )  # fmt: skip
    return checklist


def _checked_items(items: list[dict]) -> list[tuple[int, dict]]:
    if not items:
        raise ValidationError({"items": [_("检查表至少需要一个检查项。")]})
    rows, errors = [], []
    for n, item in enumerate(items, start=1):
        text = str(item.get("text") or "").strip()
        category = str(item.get("category") or "").strip()
        severity = item.get("severity") or Severity.GENERAL
        if not text or not category:
            errors.append(_("第 %(n)d 项：检查类别和检查内容都必须填写。") % {"n": n})
        elif severity not in Severity.values:
            errors.append(_("第 %(n)d 项：项目类型应为重点项或一般项。") % {"n": n})
        elif len(text) > 300 or len(category) > 50:
            errors.append(_("第 %(n)d 项：检查内容不超过 300 字，类别不超过 50 字。") % {"n": n})
        else:
            guidance = str(item.get("guidance") or "").strip()[:500]
            rows.append((n, {"category": category, "text": text, "severity": severity, "guidance": guidance}))
    if errors:
        raise ValidationError({"items": errors})
    return rows


def current_checklist(entity: Entity) -> Checklist:
    """The newest version for the entity's kind from the most specific region that has one."""
    kind = kind_for(entity.business_type, entity.sub_type)
    best = most_specific(Checklist.objects.filter(kind=kind), entity.region_id)
    if best is None:
        raise ValidationError(_("没有适用于该主体的督导检查表。"))
    return best


# -- attachments ----------------------------------------------------------------------------------------------


def store_attachment(*, actor, upload, allow_pdf: bool = False) -> Attachment:
    """Check and store one upload, not yet attached; the visit or evidence that uses it claims it."""
    checked = check_upload(upload, allow_pdf=allow_pdf)
    attachment = Attachment(name=checked.name, content_type=checked.content_type, size=checked.size, uploaded_by=actor)
    attachment.file.save(checked.shown.name, checked.shown, save=False)
    if checked.original is not None:
        attachment.original.save(checked.original.name, checked.original, save=False)
    attachment.save()
    return attachment


def _claim(actor, ids, **owner) -> None:
    """Attach the actor's own pending uploads; anything else is refused (no borrowing someone's photo)."""
    if not ids:
        return
    refused = ValidationError(_("照片或附件不存在、已被使用或不是您上传的。"))
    # ids come from a client: a list of 12 or "12" is fine; "12" alone (not a list: it would read as 1 and 2),
    # "abc", 1.5 or null is a refusal, not a server error
    if isinstance(ids, str | bytes) or not isinstance(ids, Iterable):
        raise refused
    ids = list(ids)
    if not all(type(i) is int or (isinstance(i, str) and i.isascii() and i.isdigit()) for i in ids):
        raise refused
    wanted = {int(i) for i in ids}
    pending = Attachment.objects.filter(pk__in=wanted, uploaded_by=actor, answer__isnull=True, event__isnull=True)
    if pending.update(**owner) != len(wanted):
        raise refused


# -- visits ---------------------------------------------------------------------------------------------------


def _distance_m(lat1, lon1, lat2, lon2) -> int:
    """Great-circle distance in metres (haversine; plenty for a 1 km check)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * 6_371_000 * math.asin(math.sqrt(a)))


def _coordinate(value, low, high, field):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except ArithmeticError as exc:
        raise ValidationError({field: [_("定位坐标无效。")]}) from exc
    if not low <= number <= high:
        raise ValidationError({field: [_("定位坐标超出范围。")]})
    return number


def _guarantor(actor, entity: Entity):
    """The actor's cadre record, if it guarantees (or supports) this entity now."""
    cadre = getattr(actor, "cadre", None) if actor.is_authenticated else None
    guarantee = Guarantee.objects.filter(entity=entity).first()
    if cadre is None or guarantee is None or cadre.pk not in (guarantee.cadre_id, guarantee.supporter_id):
        raise PermissionDenied(_("您不是该主体的包保干部，不能对其开展督导。"))
    return cadre


def sign_visit(
    *,
    actor,
    entity: Entity,
    client_key: uuid.UUID | str,
    checklist_id: int,
    answers: list[dict],
    signer_name: str,
    started_at: datetime.datetime,
    mode: str = Visit.Mode.ON_SITE,
    inspectors: str = "",
    summary: str = "",
    latitude=None,
    longitude=None,
) -> tuple[Visit, bool]:
    """Store a signed visit and open a problem for each 不符合 answer; returns (visit, created).

    The phone may send the same visit twice (a retry after a dropped connection): the client key makes the
    second send return the first visit unchanged. Once stored, a visit is locked."""
    try:
        key = uuid.UUID(str(client_key))
    except ValueError as exc:
        raise ValidationError({"client_key": [_("提交编号无效。")]}) from exc
    existing = Visit.objects.filter(client_key=key).first()
    if existing is not None:
        return _same_sender(actor, existing), False
    try:
        with transaction.atomic():
            return _sign(actor=actor, entity=entity, key=key, checklist_id=checklist_id, answers=answers,
                         signer_name=signer_name, started_at=started_at, mode=mode, inspectors=inspectors,
                         summary=summary, latitude=latitude, longitude=longitude), True  # fmt: skip
    except IntegrityError:
        # A concurrent retry of the same submission won the race on the unique client key.
        existing = Visit.objects.filter(client_key=key).first()
        if existing is None:
            raise
        return _same_sender(actor, existing), False


def _same_sender(actor, visit: Visit) -> Visit:
    if visit.signed_by_id != actor.pk:
        raise ValidationError({"client_key": [_("提交编号已被使用。")]})
    return visit


def _sign(*, actor, entity, key, checklist_id, answers, signer_name, started_at, mode, inspectors, summary,
          latitude, longitude) -> Visit:  # fmt: skip
    require_in_scope(actor, entity.region_id)
    cadre = _guarantor(actor, entity)
    errors: dict[str, list[str]] = {}
    checklist = Checklist.objects.filter(pk=checklist_id, kind=kind_for(entity.business_type, entity.sub_type)).first()
    if checklist is None or (checklist.region_id and not entity.region_id.startswith(checklist.region_id)):
        raise ValidationError({"checklist_id": [_("检查表不适用于该主体。")]})
    if mode not in Visit.Mode.values:
        errors["mode"] = [_("督导方式无效。")]
    if (signer_name or "").strip() != cadre.name:
        errors["signer_name"] = [_("签字确认须填写本人姓名“%(name)s”。") % {"name": cadre.name}]
    now = timezone.now()
    max_age = rules.value(MAX_DRAFT_AGE, entity.region_id)
    if started_at is None or timezone.is_naive(started_at):
        errors["started_at"] = [_("开始时间须带时区。")]
    elif not now - datetime.timedelta(days=max_age) <= started_at <= now + MAX_CLOCK_SKEW:
        errors["started_at"] = [_("开始时间应在最近 %(n)d 天内。") % {"n": max_age}]
    lat = _coordinate(latitude, Decimal(-90), Decimal(90), "latitude")
    lon = _coordinate(longitude, Decimal(-180), Decimal(180), "longitude")
    items = {item.pk: item for item in checklist.items.all()}
    given: dict[int, dict] = {}
    for n, answer in enumerate(answers, start=1):
        item_id, result = answer.get("item"), answer.get("result")
        note = str(answer.get("note") or "").strip()
        if item_id not in items:
            errors.setdefault("answers", []).append(_("第 %(n)d 条答案的检查项不在该检查表中。") % {"n": n})
        elif item_id in given:
            errors.setdefault("answers", []).append(_("检查项“%(t)s”重复作答。") % {"t": items[item_id].text})
        elif result not in Answer.Result.values:
            errors.setdefault("answers", []).append(_("检查项“%(t)s”的结果无效。") % {"t": items[item_id].text})
        elif result == Answer.Result.FAIL and not note:
            errors.setdefault("answers", []).append(_("不符合项“%(t)s”须填写问题说明。") % {"t": items[item_id].text})
        elif len(note) > 500:
            errors.setdefault("answers", []).append(_("检查项“%(t)s”的说明超过 500 字。") % {"t": items[item_id].text})
        else:
            given[item_id] = {**answer, "note": note}
    missing = [item.text for pk, item in items.items() if pk not in given]
    if missing and "answers" not in errors:
        errors["answers"] = [_("还有 %(n)d 项未作答，如：%(t)s") % {"n": len(missing), "t": missing[0]}]
    if errors:
        raise ValidationError(errors)
    visited_on = timezone.localtime(started_at).date()
    distance = None
    if lat is not None and lon is not None and entity.latitude is not None and entity.longitude is not None:
        distance = _distance_m(lat, lon, entity.latitude, entity.longitude)
    reasons = []  # "far" only on site: a remote visit (phone, video) is by definition made from elsewhere
    if now - started_at < datetime.timedelta(minutes=rules.value(SHORT_VISIT_MINUTES, entity.region_id, visited_on)):
        reasons.append("short")
    far = rules.value(FAR_VISIT_METRES, entity.region_id, visited_on)
    if mode == Visit.Mode.ON_SITE and distance is not None and distance > far:
        reasons.append("far")
    visit = Visit.objects.create(
        client_key=key, entity=entity, cadre=cadre, region_id=entity.region_id, checklist=checklist, mode=mode,
        inspectors=(inspectors or "")[:200], summary=(summary or "")[:2000], started_at=started_at, signed_at=now,
        visited_on=visited_on, quarter=quarter_of(visited_on), latitude=lat, longitude=lon, distance_m=distance,
        review_reasons=reasons, needs_review=bool(reasons), signer_name=cadre.name, signed_by=actor,
        problem_count=sum(a["result"] == Answer.Result.FAIL for a in given.values()),
    )  # fmt: skip
    rows = Answer.objects.bulk_create(
        Answer(visit=visit, item_id=pk, result=a["result"], note=a["note"]) for pk, a in given.items()
    )
    for row in rows:
        _claim(actor, given[row.item_id].get("attachments"), answer_id=row.pk)
    problems = _open_problems(visit, [(items[r.item_id], r) for r in rows if r.result == Answer.Result.FAIL])
    audit.record(
        actor=actor, action="visit.sign", obj=visit, region_code=visit.region_id,
        after={**audit.snapshot(visit), "answers": {str(r.item_id): r.result for r in rows},
               "problems": [p.pk for p in problems]},
    )  # fmt: skip
    return visit


def _open_problems(visit: Visit, failed: list[tuple[ChecklistItem, Answer]]) -> list[Problem]:
    problems = []
    for item, answer in failed:
        due = compute_due(rule_code=RECTIFY_RULE[item.severity], start=visit.signed_at, region_code=visit.region_id)
        problems.append(
            Problem(
                visit=visit,
                item=item,
                entity_id=visit.entity_id,
                cadre_id=visit.cadre_id,
                region_id=visit.region_id,
                description=f"{item.text}：{answer.note}"[:800],
                severity=item.severity,
                found_on=visit.visited_on,
                due_at=due.due_at,
                due_rule=due.rule,
            )  # fmt: skip
        )
    Problem.objects.bulk_create(problems)
    if problems:
        owners = User.objects.filter(entity_id=visit.entity_id, role=Role.ENTERPRISE, is_active=True)
        notify(
            users=owners,
            text=_("包保督导发现 %(n)d 个问题，请在期限内整改并上传整改材料。") % {"n": len(problems)},
            url=reverse("visits:problems") + "?status=open",
        )
    return problems


@transaction.atomic
def add_addendum(*, actor, visit: Visit, text: str) -> Addendum:
    """Correct a signed visit without changing it: by the signer, or an administrator in scope."""
    get_entity_row(Visit.objects.all(), actor, pk=visit.pk)
    if visit.signed_by_id != actor.pk and not (actor.is_superuser or actor.role in ADMIN_ROLES):
        raise PermissionDenied(_("只有签字干部或管理员可以补充说明。"))
    text = (text or "").strip()
    if not text or len(text) > 2000:
        raise ValidationError({"text": [_("请填写补充说明（不超过 2000 字）。")]})
    addendum = Addendum.objects.create(visit=visit, text=text, created_by=actor)
    audit.record(actor=actor, action="visit.addendum", obj=visit, region_code=visit.region_id, after={"addendum": text})
    return addendum


# -- problems -------------------------------------------------------------------------------------------------


def _event(actor, problem: Problem, kind: str, note: str = "") -> ProblemEvent:
    return ProblemEvent.objects.create(problem=problem, kind=kind, note=(note or "")[:500], actor=actor)


def _move(actor, problem: Problem, action: str, **changes) -> None:
    before = audit.snapshot(problem, fields=["status", "closed_at", "escalation"])
    for field, value in changes.items():
        setattr(problem, field, value)
    problem.save(update_fields=list(changes))
    audit.record(
        actor=actor, action=action, obj=problem, region_code=problem.region_id, before=before,
        after=audit.snapshot(problem, fields=["status", "closed_at", "escalation"]),
    )  # fmt: skip


def _locked(actor, problem: Problem) -> Problem:
    """Re-read the problem under a row lock, so two clicks cannot both move it; a problem the actor cannot see
    (outside the jurisdiction, or another entity's for an enterprise account) is a 404, as in the selectors."""
    get_entity_row(Problem.objects.all(), actor, pk=problem.pk)
    return Problem.objects.select_for_update().get(pk=problem.pk)  # no join: lock the problem row only


@transaction.atomic
def submit_evidence(*, actor, problem: Problem, note: str, attachment_ids: list[int] = ()) -> ProblemEvent:
    """The entity reports its rectification with photos or files; the cadre is asked to verify."""
    problem = _locked(actor, problem)
    require_perm(actor, "visits.submit_evidence", problem)
    if problem.status == Problem.Status.CLOSED:
        raise ValidationError(_("该问题已销号。"))
    note = (note or "").strip()
    if not note and not attachment_ids:
        raise ValidationError({"note": [_("请填写整改说明或上传整改照片。")]})
    event = _event(actor, problem, ProblemEvent.Kind.EVIDENCE, note)
    _claim(actor, attachment_ids, event_id=event.pk)
    _move(actor, problem, "problem.evidence", status=Problem.Status.SUBMITTED)
    if problem.cadre.user_id:
        notify(
            users=[problem.cadre.user],
            text=_("%(entity)s 已提交整改材料，请核验销号。") % {"entity": problem.entity.name},
            url=reverse("visits:problem_detail", args=[problem.pk]),
        )
    return event


@transaction.atomic
def close_problem(*, actor, problem: Problem, note: str = "") -> Problem:
    """销号: the supervisor has checked the evidence and the problem is fixed."""
    problem = _locked(actor, problem)
    require_perm(actor, "visits.verify_problem", problem)
    if problem.status != Problem.Status.SUBMITTED:
        raise ValidationError(_("只有已提交整改材料的问题才能销号。"))
    _event(actor, problem, ProblemEvent.Kind.CLOSED, note)
    _move(actor, problem, "problem.close", status=Problem.Status.CLOSED, closed_at=timezone.now(), closed_by=actor)
    _tell_owner(problem, _("问题“%(p)s”已核验销号。") % {"p": problem})
    return problem


@transaction.atomic
def return_problem(*, actor, problem: Problem, reason: str) -> Problem:
    """Evidence not good enough: back to the entity with the reason; the deadline stays as it was."""
    problem = _locked(actor, problem)
    require_perm(actor, "visits.verify_problem", problem)
    if problem.status != Problem.Status.SUBMITTED:
        raise ValidationError(_("只有已提交整改材料的问题才能退回。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("退回须说明理由。")]})
    _event(actor, problem, ProblemEvent.Kind.RETURNED, reason)
    _move(actor, problem, "problem.return", status=Problem.Status.OPEN)
    _tell_owner(problem, _("问题“%(p)s”整改未通过核验：%(r)s") % {"p": problem, "r": reason})
    return problem


def _tell_owner(problem: Problem, text: str) -> None:
    owners = User.objects.filter(entity_id=problem.entity_id, role=Role.ENTERPRISE, is_active=True)
    notify(users=owners, text=text, url=reverse("visits:problem_detail", args=[problem.pk]))


def escalate_overdue(*, actor=None, now: datetime.datetime | None = None) -> dict[str, int]:
    """Overdue problems go up a level: past the rectification deadline to the township (its administrators and
    station), then past the county rule counted from that deadline to the county administrators. Run daily.

    Each problem is re-read under a row lock and escalated only if it is still unclosed at the level it was
    listed at, so a problem closed meanwhile, or escalated by a concurrent run, is left alone."""
    now = now or timezone.now()
    counts = {"station": 0, "county": 0}
    unresolved = Problem.objects.exclude(status=Problem.Status.CLOSED).filter(due_at__lt=now)
    for pk in list(unresolved.filter(escalation=Problem.Escalation.NONE).values_list("pk", flat=True)):
        with transaction.atomic():
            problem = _still(unresolved, pk, Problem.Escalation.NONE)
            if problem is not None:
                _escalate(
                    actor, problem, Problem.Escalation.STATION, now, ancestor(problem.region_id, TOWNSHIP), _("乡镇")
                )
                counts["station"] += 1
    for pk in list(unresolved.filter(escalation=Problem.Escalation.STATION).values_list("pk", flat=True)):
        with transaction.atomic():
            problem = _still(unresolved, pk, Problem.Escalation.STATION)
            if problem is None:
                continue
            county_due = compute_due(
                rule_code="problem.escalate_county", start=problem.due_at, region_code=problem.region_id
            )
            if county_due.due_at < now:
                _escalate(
                    actor, problem, Problem.Escalation.COUNTY, now, ancestor(problem.region_id, COUNTY), _("县级")
                )
                counts["county"] += 1
    return counts


def _still(unresolved, pk: int, level: int) -> Problem | None:
    return unresolved.select_for_update().filter(pk=pk, escalation=level).first()


def _escalate(actor, problem: Problem, level: int, now, region_code: str, level_name: str) -> None:
    _event(actor, problem, ProblemEvent.Kind.ESCALATED, _("逾期未整改，升级至%(l)s") % {"l": level_name})
    _move(actor, problem, "problem.escalate", escalation=level, escalated_at=now)
    roles = [Role.TOWNSHIP_ADMIN, Role.STATION_STAFF] if level == Problem.Escalation.STATION else [Role.COUNTY_ADMIN]
    notify(
        users=User.objects.filter(region_id=region_code, role__in=roles, is_active=True),
        text=_("%(entity)s 的问题逾期未整改（期限 %(due)s），已升级至%(l)s督办。")
        % {"entity": problem.entity.name, "due": timezone.localtime(problem.due_at).date(), "l": level_name},
        url=reverse("visits:problem_detail", args=[problem.pk]),
    )


def export_problem_ledger(*, actor, output, region_code: str | None = None, **filters) -> int:
    """The 问题清单台账 the actor sees, with the list's filters, as xlsx; audited like every export of records
    that name businesses and officials. Returns the number of rows."""
    problems = selectors.problem_list(user=actor, region_code=region_code, **filters)
    count = exports.write_problem_ledger(output, problems)
    audit.record(
        actor=actor, action="problem.export", object_type="visits.problem", object_repr=_("问题清单台账"),
        region_code=region_code or scope_prefix(actor) or "",
        after={"count": count, "filters": {k: v for k, v in filters.items() if v not in ("", None, False)}},
    )  # fmt: skip
    return count
