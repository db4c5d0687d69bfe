"""Every write in the visit loop: checklist versions, signed visits, addenda, problems to closure, escalation."""

import datetime
import math
import uuid
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role, User
from shian.baobao.models import Guarantee
from shian.checklists import services as checklists
from shian.checklists.models import Checklist, ChecklistItem
from shian.core import audit, rules
from shian.core.jurisdiction import get_entity_row, require_in_scope, scope_prefix
from shian.core.periods import quarter_of
from shian.core.permissions import require_perm
from shian.core.regioncodes import COUNTY, TOWNSHIP, ancestor
from shian.core.services import notify
from shian.core.workdays import compute_due
from shian.entities.models import Entity
from shian.regions.models import Region

from . import exports, selectors
from .checklists import kind_for
from .models import Addendum, Answer, Attachment, ChecklistKind, Problem, ProblemEvent, Severity, Visit

# issue 7: visits worth a second look (the rules in visits/ruledefs.py)
SHORT_VISIT_MINUTES, FAR_VISIT_METRES = "visits.short_visit_minutes", "visits.far_visit_metres"
MAX_CLOCK_SKEW = datetime.timedelta(minutes=10)
MAX_DRAFT_AGE = "visits.draft_max_age_days"  # the rule: how old an offline draft may be when signed
RECTIFY_RULE = {Severity.KEY: "problem.rectify_key", Severity.GENERAL: "problem.rectify_general"}


# -- checklists (the engine's, with this module's permission and kinds) ---------------------------------------


def create_checklist_version(
    *, actor, kind: str, region_code: str | None, title: str, items: list[dict], note: str = ""
) -> Checklist:
    """Edit a 督导检查表 by adding a version for the region (blank = province defaults, superusers only)."""
    require_perm(actor, "visits.manage_checklists")
    return checklists.create_checklist_version(
        actor=actor, kind=kind, region_code=region_code, title=title, items=items, note=note, kinds=ChecklistKind.values
    )


def current_checklist(entity: Entity) -> Checklist:
    """The newest version for the entity's kind from the most specific region that has one."""
    best = checklists.resolve_checklist(
        kind=kind_for(entity.business_type, entity.sub_type), region_code=entity.region_id
    )
    if best is None:
        raise ValidationError(_("没有适用于该主体的督导检查表。"))
    return best


# -- attachments ----------------------------------------------------------------------------------------------


def store_attachment(*, actor, upload, allow_pdf: bool = False) -> Attachment:
    """Check and store one upload, not yet attached; the visit or evidence that uses it claims it."""
    return checklists.store_file(Attachment, actor=actor, upload=upload, allow_pdf=allow_pdf)


def _claim(actor, ids, **owner) -> None:
    """Attach the actor's own pending uploads; anything else is refused (no borrowing someone's photo)."""
    pending = Attachment.objects.filter(answer__isnull=True, event__isnull=True)
    checklists.claim_files(pending, actor=actor, ids=ids, **owner)


# -- visits ---------------------------------------------------------------------------------------------------


def _distance_m(lat1, lon1, lat2, lon2) -> int:
    """Great-circle distance in metres (haversine; plenty for a 1 km check)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * 6_371_000 * math.asin(math.sqrt(a)))


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
    key = checklists.client_key(client_key)
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
    lat, lon = checklists.location(latitude, longitude)
    items = {item.pk: item for item in checklist.items.all()}
    given, answer_errors = checklists.check_answers(items, answers)
    if answer_errors:
        errors["answers"] = answer_errors
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
            kind="problem.found",
            group=f"entity:{visit.entity_id}",
            group_text=_("%(n)d 次督导发现问题，请在期限内整改并上传整改材料"),
            group_url=reverse("visits:problems") + "?status=open",
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
            kind="problem.evidence",
            group="recheck",
            group_text=_("%(n)d 个问题已提交整改材料，待核验销号"),
            group_url=reverse("visits:problems") + "?status=submitted&mine=1",
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
    notify(
        users=owners,
        text=text,
        url=reverse("visits:problem_detail", args=[problem.pk]),
        kind="problem.returned",
        group=f"entity:{problem.entity_id}",
        group_text=_("%(n)d 个问题整改未通过核验，请重新整改"),
        group_url=reverse("visits:problems") + "?status=open",
    )


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
    # one line per township (the county's, or the township's own), not one per problem
    area = ancestor(problem.region_id, TOWNSHIP)
    area_name = _area_name(area)
    query = urlencode({"status": "unclosed", "escalated": str(level), "region": area})
    notify(
        users=User.objects.filter(region_id=region_code, role__in=roles, is_active=True),
        text=_("%(entity)s 的问题逾期未整改（期限 %(due)s），已升级至%(l)s督办。")
        % {"entity": problem.entity.name, "due": timezone.localtime(problem.due_at).date(), "l": level_name},
        url=reverse("visits:problem_detail", args=[problem.pk]),
        kind="problem.escalated",
        group=f"{level}:{area}",
        group_text=_("%%(n)d 个问题逾期未整改，已升级至%(l)s督办（%(area)s）") % {"l": level_name, "area": area_name},
        group_url=reverse("visits:problems") + "?" + query,
    )


def _area_name(code: str) -> str:
    return Region.objects.filter(code=code).values_list("name", flat=True).first() or code


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
