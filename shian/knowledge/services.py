"""Every write of 监督抽考: importing the bank, scheduling and cancelling tests, and a person's paper from
start to score. Time is the server's: a paper's deadline is fixed when it is started, answers that arrive
after it are refused and the paper is handed in with what was saved before."""

import datetime
import hashlib
import random
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ENTITY_ROLES, Role, User
from shian.core import audit
from shian.core.jurisdiction import narrow_to, require_in_scope, scope_queryset
from shian.core.permissions import require_perm
from shian.core.services import notify
from shian.entities.models import BusinessType, Entity
from shian.imports.cells import ImportFileError
from shian.regions.models import Region

from . import exports, importing, papers, selectors
from .models import Attempt, KnowledgeTest, Question, Target, tags

GRACE = papers.GRACE
MAX_WINDOW = datetime.timedelta(days=92)
MAX_AHEAD = datetime.timedelta(days=366)
MAX_TARGETS = 5000
MAX_FILE_BYTES = 20 * 2**20
LIMITS = {
    "duration_minutes": (5, 180, "答题时长应为 %(low)d 到 %(high)d 分钟。"),
    "question_count": (1, 100, "题目数量应为 %(low)d 到 %(high)d 道。"),
    "pass_mark": (1, 100, "合格线应为 %(low)d 到 %(high)d（%%）。"),
}


class ImportRejected(ValidationError):
    """A bank file with errors: nothing was written. `errors` are the cells, as dicts for the CLI and API."""

    def __init__(self, messages: list[str], errors: list[dict]):
        super().__init__(messages)
        self.errors = errors


class PaperClosed(ValidationError):
    """Answers came after the deadline: they were refused and the paper handed in with what was saved."""

    def __init__(self, attempt: Attempt):
        super().__init__(_("答题时间已到，本次提交未被接受；试卷已按截止前保存的答案自动交卷。"))
        self.attempt = attempt


# -- the bank -------------------------------------------------------------------------------------------------


@transaction.atomic
def import_questions(*, actor, data: bytes, filename: str, dry_run: bool = False) -> dict:
    """Check a question-bank file and, when every row is right, add its questions; a question whose text is
    already in the bank is updated (and re-enabled) instead. All or nothing; one audit entry for the batch."""
    require_perm(actor, "knowledge.manage_bank")
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(_("文件“%(name)s”超过 20 MB，请拆分后导入。") % {"name": filename})
    try:
        bank = importing.parse_bank(data, filename)
    except ImportFileError as exc:
        raise ValidationError(exc.message) from exc
    if bank.errors:
        errors = [{**e.as_dict(), "message": message} for e, message in zip(bank.errors, bank.messages(), strict=True)]
        raise ImportRejected(bank.messages(), errors)
    existing = {q.text: q for q in Question.objects.filter(text__in=[p.text for p in bank.questions])}
    created, updated, outcome = [], [], []
    for parsed in bank.questions:
        values = {
            "kind": parsed.kind,
            "options": parsed.options,
            "answer": parsed.answer,
            "roles": tags(parsed.roles),
            "business_types": tags(parsed.business_types),
            "points": parsed.points,
            "explanation": parsed.explanation,
            "active": True,
        }
        question = existing.get(parsed.text)
        if question is None:
            created.append(Question(text=parsed.text, **values))
            outcome.append([parsed.row, "created"])
        elif any(getattr(question, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(question, key, value)
            updated.append(question)
            outcome.append([parsed.row, "updated", question.pk])
        else:
            outcome.append([parsed.row, "unchanged", question.pk])
    counts = {
        "rows": len(bank.questions),
        "created": len(created),
        "updated": len(updated),
        "unchanged": len(bank.questions) - len(created) - len(updated),
    }
    if dry_run:
        return counts
    Question.objects.bulk_create(created)
    Question.objects.bulk_update(updated, ["kind", "options", "answer", "roles", "business_types", "points",
                                           "explanation", "active", "updated_at"])  # fmt: skip
    audit.record(
        actor=actor, action="knowledge.import_questions", object_type="knowledge.question", object_repr=filename[:200],
        after={"file": filename[:200], "sha256": hashlib.sha256(data).hexdigest(), **counts, "rows_outcome": outcome},
    )  # fmt: skip
    return counts


# -- tests ----------------------------------------------------------------------------------------------------


def _check_number(errors: dict, field: str, value) -> None:
    low, high, message = LIMITS[field]
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        errors[field] = [_(message) % {"low": low, "high": high}]


def _check_window(errors: dict, opens_at, closes_at, now) -> None:
    for field, value in (("opens_at", opens_at), ("closes_at", closes_at)):
        if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
            errors[field] = [_("请填写带时区的时间。")]
    if errors.keys() & {"opens_at", "closes_at"}:
        return
    if closes_at <= opens_at:
        errors["closes_at"] = [_("截止时间须晚于开始时间。")]
    elif closes_at <= now:
        errors["closes_at"] = [_("截止时间须晚于当前时间。")]
    elif closes_at - opens_at > MAX_WINDOW:
        errors["closes_at"] = [_("抽考开放时间不能超过 92 天。")]
    elif opens_at < now - MAX_WINDOW:
        errors["opens_at"] = [_("开始时间不能早于 92 天前。")]
    elif opens_at > now + MAX_AHEAD:
        errors["opens_at"] = [_("开始时间不能晚于一年以后。")]


@transaction.atomic
def schedule_test(
    *, actor, title: str, opens_at, closes_at, duration_minutes: int, question_count: int, pass_mark: int,
    target_roles=(), entity_ids=None, sample_size: int | None = None, business_types=(),
    region_code: str | None = None, now=None,
) -> KnowledgeTest:  # fmt: skip
    """Schedule a test for chosen entities or for `sample_size` operating entities drawn at random in the
    region (of the given business types), and tell everyone asked to sit it."""
    require_perm(actor, "knowledge.schedule_test")
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    title = " ".join((title or "").split())
    if not title or len(title) > 100:
        errors["title"] = [_("请填写抽考名称（不超过 100 字）。")]
    _check_window(errors, opens_at, closes_at, now)
    for field, value in (
        ("duration_minutes", duration_minutes), ("question_count", question_count), ("pass_mark", pass_mark),
    ):  # fmt: skip
        _check_number(errors, field, value)
    roles = sorted(set(target_roles or ()))
    if any(r not in importing.ROLE_VALUES for r in roles):
        errors["target_roles"] = [_("抽考岗位应为主要负责人、食品安全总监或食品安全员。")]
    types = sorted(set(business_types or ()))
    if any(t not in BusinessType.values for t in types):
        errors["business_types"] = [_("业态无效。")]
    entity_ids = sorted({int(i) for i in entity_ids or ()})
    if entity_ids and sample_size:
        errors["sample_size"] = [_("指定主体和随机抽取只能选择一种。")]
    elif not entity_ids and not sample_size:
        errors["entity_ids"] = [_("请选择抽考主体，或填写随机抽取的主体数量。")]
    elif len(entity_ids) > MAX_TARGETS or (sample_size is not None and not 1 <= sample_size <= MAX_TARGETS):
        errors["sample_size" if sample_size else "entity_ids"] = [_("一次抽考最多 %(n)d 户主体。") % {"n": MAX_TARGETS}]
    code = region_code or actor.region_id or ""
    if not code:
        errors["region_code"] = [_("请先在页头选择组织抽考的区划。")]
    if errors:
        raise ValidationError(errors)
    require_in_scope(actor, code)
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError({"region_code": [_("区划代码不存在：%(code)s") % {"code": code}]})
    pool = narrow_to(scope_queryset(Entity.objects.all(), actor), code)
    if entity_ids:
        chosen = list(pool.filter(pk__in=entity_ids).values_list("pk", "region_id", "business_type"))
        if len(chosen) != len(entity_ids):
            raise Http404  # some entity is missing or outside the region: no existence leak
    else:
        pool = pool.filter(status=Entity.Status.OPERATING)
        if types:
            pool = pool.filter(business_type__in=types)
        candidates = list(pool.values_list("pk", "region_id", "business_type").order_by())
        if len(candidates) < sample_size:
            raise ValidationError(
                {"sample_size": [_("区域内符合条件的在营主体只有 %(have)d 户，少于抽取数量 %(want)d 户。")
                                 % {"have": len(candidates), "want": sample_size}]}
            )  # fmt: skip
        chosen = random.SystemRandom().sample(candidates, sample_size)
    _check_bank(roles, [pk for pk, _region, _type in chosen], question_count)
    test = KnowledgeTest.objects.create(
        title=title, region=region, opens_at=opens_at, closes_at=closes_at, duration_minutes=duration_minutes,
        question_count=question_count, pass_mark=pass_mark, target_roles=tags(roles),
        selection=KnowledgeTest.Selection.CHOSEN if entity_ids else KnowledgeTest.Selection.RANDOM,
        business_types=tags(types) if not entity_ids else "", sample_size=None if entity_ids else sample_size,
        created_by=actor,
    )  # fmt: skip
    Target.objects.bulk_create(
        [Target(test=test, entity_id=pk, region_id=region_id) for pk, region_id, _type in chosen], batch_size=1000
    )
    audit.record(
        actor=actor, action="knowledge.schedule", obj=test, region_code=code,
        after={**audit.snapshot(test), "entities": sorted(pk for pk, _r, _t in chosen)},
    )  # fmt: skip
    local = timezone.localtime
    notify(
        users=selectors.eligible_users(test),
        text=_("监督抽考“%(title)s”：请于 %(opens)s 至 %(closes)s 期间在线答题（%(minutes)d 分钟）。")
        % {
            "title": title,
            "opens": f"{local(opens_at):%m-%d %H:%M}",
            "closes": f"{local(closes_at):%m-%d %H:%M}",
            "minutes": duration_minutes,
        },
        url=reverse("knowledge:home"),
        kind="knowledge.test",
        group=f"test:{test.pk}",
        group_text=_("监督抽考“%(title)s”：%%(n)d 条通知") % {"title": title.replace("%", "%%")},
        group_url=reverse("knowledge:home"),
    )
    return test


def _check_bank(roles: list[str], entity_ids: list[int], count: int) -> None:
    """Everyone asked to sit the test now (their post, their entity's business type) must be able to get a
    full paper from the bank. An account without a post draws from the questions of every post."""
    seated = User.objects.filter(role=Role.ENTERPRISE, is_active=True, entity_id__in=entity_ids)
    if roles:
        seated = seated.filter(entity_role__in=roles)
    pairs = seated.values_list("entity__business_type", "entity_role").distinct().order_by()
    role_labels = {**dict(ENTITY_ROLES), "": _("未填岗位")}
    type_labels = dict(BusinessType.choices)
    short = []
    for business_type, role in sorted(set(pairs)):
        have = selectors.matching_questions(role=role, business_type=business_type).count()
        if have < count:
            short.append(
                _("“%(type)s·%(role)s”只有 %(have)d 道")
                % {"type": type_labels.get(business_type, business_type), "role": role_labels.get(role, role),
                   "have": have}
            )  # fmt: skip
    if short:
        raise ValidationError(
            {"question_count": [_("题库中适用的题目不足每份试卷 %(n)d 道：%(short)s。请减少题目数量或补充题库。")
                                % {"n": count, "short": "；".join(short)}]}
        )  # fmt: skip


@transaction.atomic
def cancel_test(*, actor, test: KnowledgeTest) -> KnowledgeTest:
    require_perm(actor, "knowledge.schedule_test")
    test = selectors.test_get(user=actor, pk=test.pk)
    require_in_scope(actor, test.region_id)  # the organiser's region, not only a covered entity's
    test = KnowledgeTest.objects.select_for_update().get(pk=test.pk)
    if test.cancelled_at is not None:
        raise ValidationError(_("该抽考已取消。"))
    test.cancelled_at = timezone.now()
    test.save(update_fields=["cancelled_at"])
    audit.record(actor=actor, action="knowledge.cancel", obj=test, region_code=test.region_id,
                 after={"cancelled_at": audit.json_value(test.cancelled_at)})  # fmt: skip
    sat = Attempt.objects.filter(test=test, submitted_at__isnull=False).values("user_id")
    notify(
        users=selectors.eligible_users(test).exclude(pk__in=sat),
        text=_("监督抽考“%(title)s”已取消，无需答题。") % {"title": test.title},
        url=reverse("knowledge:home"),
        kind="knowledge.test",
        group=f"test:{test.pk}",
        group_text=_("监督抽考“%(title)s”：%%(n)d 条通知") % {"title": test.title.replace("%", "%%")},
        group_url=reverse("knowledge:home"),
    )
    return test


# -- papers ---------------------------------------------------------------------------------------------------


def start_attempt(*, actor, test: KnowledgeTest, now=None) -> Attempt:
    """Draw the person's paper (their post and their entity's business type) and start the clock; starting
    again returns the same paper, never a new one."""
    return start_or_resume_attempt(actor=actor, test=test, now=now)[0]


def start_or_resume_attempt(*, actor, test: KnowledgeTest, now=None) -> tuple[Attempt, bool]:
    """start_attempt, also telling whether this call drew the paper (True) or found it already started
    (False), as decided by the unique (test, user) row itself, so two tabs starting at once get one True."""
    now = now or timezone.now()
    require_perm(actor, "knowledge.take_test")
    test = selectors.test_get(user=actor, pk=test.pk)
    existing = Attempt.objects.filter(test=test, user=actor).first()
    if existing is not None:
        return _closed_if_late(existing, now), False
    if not selectors.is_eligible(actor, test):
        raise ValidationError(_("您的岗位不在本次抽考范围内。"))
    state = test.state(now)
    if state == "cancelled":
        raise ValidationError(_("该抽考已取消。"))
    if state == "upcoming":
        raise ValidationError(
            _("抽考尚未开始，开始时间：%(at)s。") % {"at": f"{timezone.localtime(test.opens_at):%Y-%m-%d %H:%M}"}
        )
    if state == "closed":
        raise ValidationError(_("抽考已截止。"))
    entity = actor.entity
    candidates = selectors.matching_questions(role=actor.entity_role, business_type=entity.business_type)
    seed = secrets.randbits(62)
    ids = papers.draw(candidates.values_list("pk", flat=True), test.question_count, seed)
    if not ids:
        raise ValidationError(_("题库中没有适用于您岗位和业态的题目，请联系监管部门。"))
    questions = Question.objects.in_bulk(ids)
    paper = [papers.snapshot(questions[pk]) for pk in ids]
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                test=test, user=actor, entity=entity, region_id=entity.region_id, entity_role=actor.entity_role,
                seed=seed, paper=paper, started_at=now,
                deadline=min(now + datetime.timedelta(minutes=test.duration_minutes), test.closes_at),
                max_score=sum(q["points"] for q in paper),
            )  # fmt: skip
            audit.record(
                actor=actor, action="knowledge.attempt.start", obj=attempt, region_code=attempt.region_id,
                after={"test": test.pk, "seed": seed, "questions": ids, "deadline": audit.json_value(attempt.deadline)},
            )  # fmt: skip
    except IntegrityError:  # a second tab started it a moment earlier
        return Attempt.objects.get(test=test, user=actor), False
    return attempt, True


def _own(actor, attempt: Attempt) -> Attempt:
    """The actor's own paper, re-read under a row lock (two submissions cannot both score it)."""
    require_perm(actor, "knowledge.take_test")
    locked = Attempt.objects.select_for_update().filter(pk=attempt.pk, user=actor).first()
    if locked is None:
        raise Http404
    return locked


def _finish(attempt: Attempt, answers: dict, at, *, auto: bool, actor=None) -> Attempt:
    result = papers.score(attempt.paper, answers, attempt.test.pass_mark)
    attempt.answers = answers
    attempt.submitted_at = at
    attempt.auto_submitted = auto
    for key, value in result.items():
        setattr(attempt, key, value)
    attempt.save(update_fields=["answers", "submitted_at", "auto_submitted", "score", "max_score", "percent", "passed"])
    audit.record(
        actor=actor, action="knowledge.attempt.auto_submit" if auto else "knowledge.attempt.submit", obj=attempt,
        region_code=attempt.region_id,
        after={"answers": answers, **{k: audit.json_value(v) for k, v in result.items()}},
    )  # fmt: skip
    return attempt


def _closed_if_late(attempt: Attempt, now) -> Attempt:
    if attempt.submitted_at is None and now > attempt.deadline + GRACE:
        with transaction.atomic():
            locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
            if locked.submitted_at is None:
                return _finish(locked, locked.answers, locked.deadline, auto=True)
            return locked
    return attempt


@transaction.atomic
def save_answers(*, actor, attempt: Attempt, answers, now=None) -> Attempt:
    """Keep the answers so far (the page saves as the person goes); they count if time runs out. Drafts are not
    audited one by one (a paper would leave a row per click): the hand-in records the answers that count."""
    now = now or timezone.now()
    attempt = _own(actor, attempt)
    if attempt.submitted_at is not None:
        raise ValidationError(_("已交卷，不能再修改答案。"))
    if now > attempt.deadline + GRACE:
        raise ValidationError(_("答题时间已到，答案未保存。"))
    attempt.answers = papers.clean_answers(attempt.paper, answers)
    attempt.save(update_fields=["answers"])
    return attempt


def submit_attempt(*, actor, attempt: Attempt, answers, now=None) -> Attempt:
    """Hand in the paper and score it. After the deadline the answers sent are refused: the paper is handed
    in with those saved before the deadline and PaperClosed is raised (the hand-in itself is kept)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _own(actor, attempt)
        if locked.submitted_at is not None:
            raise ValidationError(_("已交卷，不能重复提交。"))
        if now <= locked.deadline + GRACE:
            return _finish(locked, papers.clean_answers(locked.paper, answers), now, auto=False, actor=actor)
        closed = _finish(locked, locked.answers, locked.deadline, auto=True, actor=actor)
    raise PaperClosed(closed)


def close_expired(*, now=None, test: KnowledgeTest | None = None, user=None) -> int:
    """Hand in every paper whose time ran out unsubmitted, with its saved answers; run by a command (and before
    results are read), so that results never wait for the person to come back."""
    now = now or timezone.now()
    stale = Attempt.objects.filter(submitted_at__isnull=True, deadline__lt=now - GRACE)
    if test is not None:
        stale = stale.filter(test=test)
    if user is not None:
        stale = stale.filter(user=user)
    closed = 0
    for pk in list(stale.values_list("pk", flat=True)[:10_000]):
        with transaction.atomic():
            attempt = stale.select_for_update().filter(pk=pk).first()
            if attempt is not None:
                _finish(attempt, attempt.answers, attempt.deadline, auto=True)
                closed += 1
    return closed


# -- export ---------------------------------------------------------------------------------------------------


def export_results(*, actor, test: KnowledgeTest, output, region_code: str | None = None) -> int:
    """The test's results in the actor's jurisdiction as xlsx: per township, then per person. Audited."""
    require_perm(actor, "knowledge.view_results")
    test = selectors.test_get(user=actor, pk=test.pk)
    summary = selectors.results_by_township(user=actor, test=test, region_code=region_code)
    rows = selectors.people(user=actor, test=test, region_code=region_code)
    count = exports.write_results(output, test, summary, rows)
    audit.record(
        actor=actor, action="knowledge.export", obj=test, region_code=region_code or actor.region_id or "",
        after={"rows": count},
    )  # fmt: skip
    return count
