"""Reads of 监督抽考, each scoped: regulators by jurisdiction (a test is visible when it was organised in their
region or covers an entity in it, and its figures count only what lies in their region), an enterprise
account only the tests it is asked to sit and its own papers."""

from collections import defaultdict

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat, Substr
from django.http import Http404
from django.utils import timezone

from shian.accounts.models import Role, User
from shian.core import regioncodes
from shian.core.jurisdiction import get_in_scope, narrow_to, scope_prefix, scope_queryset
from shian.regions.models import Region

from . import papers
from .models import Attempt, KnowledgeTest, Question, Target

TOWNSHIP = regioncodes.LEVEL_LENGTH[regioncodes.TOWNSHIP]  # results are grouped by the entity's township


def is_regulator(user) -> bool:
    return user.has_perm("knowledge.view_results") or user.has_perm("knowledge.schedule_test")


def is_examinee(user) -> bool:
    return user.has_perm("knowledge.take_test")


# -- the bank -------------------------------------------------------------------------------------------------


def question_list(*, user, q: str = "", kind: str = "", active: bool | None = None) -> QuerySet[Question]:
    """The bank holds the answers: only administrators and station staff read it."""
    if not user.has_perm("knowledge.view_bank"):
        return Question.objects.none()
    qs = Question.objects.all()
    if q:
        qs = qs.filter(text__icontains=q)
    if kind:
        qs = qs.filter(kind=kind)
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by("pk")


def matching_questions(*, role: str = "", business_type: str = "") -> QuerySet[Question]:
    """Active questions for a post (blank: any post) in a business type (blank: any type)."""
    qs = Question.objects.filter(active=True)
    if role:
        qs = qs.filter(Q(roles="") | Q(roles__contains=f"|{role}|"))
    if business_type:
        qs = qs.filter(Q(business_types="") | Q(business_types__contains=f"|{business_type}|"))
    return qs


# -- tests ----------------------------------------------------------------------------------------------------


def _role_q(role: str, field: str = "target_roles") -> Q:
    """Tests open to a post: those for all posts, and those naming it. A blank post sits only the former."""
    if not role:
        return Q(**{field: ""})
    return Q(**{field: ""}) | Q(**{f"{field}__contains": f"|{role}|"})


def test_list(*, user, region_code: str | None = None) -> QuerySet[KnowledgeTest]:
    if is_examinee(user):
        targeted = Target.objects.filter(test=OuterRef("pk"), entity_id=user.entity_id)
        sat = Attempt.objects.filter(test=OuterRef("pk"), user=user)
        qs = KnowledgeTest.objects.filter((Exists(targeted) & _role_q(user.entity_role)) | Exists(sat))
    elif is_regulator(user):
        prefix = scope_prefix(user)
        if prefix is None:
            return KnowledgeTest.objects.none()
        qs = KnowledgeTest.objects.all()
        if prefix:
            inside = scope_queryset(Target.objects.filter(test=OuterRef("pk")), user)
            qs = qs.filter(Q(pk__in=scope_queryset(KnowledgeTest.objects.all(), user).values("pk")) | Exists(inside))
        if region_code:
            below = narrow_to(Target.objects.filter(test=OuterRef("pk")), region_code)
            qs = qs.filter(Q(pk__in=narrow_to(KnowledgeTest.objects.all(), region_code).values("pk")) | Exists(below))
    else:
        return KnowledgeTest.objects.none()
    return qs.select_related("region", "created_by").order_by("-opens_at", "-pk")


def test_get(*, user, pk: int) -> KnowledgeTest:
    test = test_list(user=user).filter(pk=pk).first()
    if test is None:
        raise Http404
    return test


def can_manage(user, test: KnowledgeTest) -> bool:
    """The organiser's jurisdiction (not merely a covered entity's) may cancel a test."""
    prefix = scope_prefix(user)
    return user.has_perm("knowledge.schedule_test") and prefix is not None and test.region_id.startswith(prefix)


def eligible_users(test: KnowledgeTest) -> QuerySet[User]:
    """Enterprise accounts asked to sit the test: active, bound to a covered entity, in a targeted post."""
    qs = User.objects.filter(
        role=Role.ENTERPRISE, is_active=True, entity_id__in=Target.objects.filter(test=test).values("entity_id")
    )
    roles = test.role_list
    return qs.filter(entity_role__in=roles) if roles else qs


def is_eligible(user, test: KnowledgeTest) -> bool:
    if not is_examinee(user) or not user.is_active:
        return False
    if test.role_list and user.entity_role not in test.role_list:
        return False
    return Target.objects.filter(test=test, entity_id=user.entity_id).exists()


def my_tests(*, user, now=None) -> dict:
    """An enterprise account's tests: to sit (open or upcoming, not yet handed in) and its results."""
    now = now or timezone.now()
    tests = list(test_list(user=user))
    attempts = {a.test_id: a for a in Attempt.objects.filter(user=user, test__in=[t.pk for t in tests])}
    pending, done = [], []
    for test in tests:
        attempt = attempts.get(test.pk)
        test.attempt = attempt
        test.state_now = test.state(now)
        if attempt is not None and attempt.submitted_at is not None:
            done.append(test)
        elif test.state_now in ("open", "upcoming") and is_eligible(user, test):
            pending.append(test)
    pending.sort(key=lambda t: (t.state_now != "open", t.closes_at))
    return {"pending": pending, "done": done}


# -- attempts -------------------------------------------------------------------------------------------------


def attempt_list(*, user, test_id: int | None = None, region_code: str | None = None) -> QuerySet[Attempt]:
    if is_examinee(user):
        qs = Attempt.objects.filter(user=user)
    elif user.has_perm("knowledge.view_results"):
        qs = narrow_to(scope_queryset(Attempt.objects.all(), user), region_code)
    else:
        return Attempt.objects.none()
    if test_id:
        qs = qs.filter(test_id=test_id)
    return qs.select_related("test", "user", "entity", "region").order_by("-started_at", "-pk")


def attempt_get(*, user, pk: int) -> Attempt:
    attempt = attempt_list(user=user).filter(pk=pk).first()
    if attempt is None:
        raise Http404
    return attempt


def attempt_as_of(attempt: Attempt, now=None) -> Attempt:
    """The attempt as it stands at `now`, read without writing: a paper whose time ran out unsubmitted reads as
    handed in at its deadline with the answers saved by then, which is what services.close_expired stores
    (the close_knowledge_attempts command, a results read or the person's own late submit)."""
    now = now or timezone.now()
    if attempt.submitted_at is None and now > attempt.deadline + papers.GRACE:
        for key, value in papers.score(attempt.paper, attempt.answers, attempt.test.pass_mark).items():
            setattr(attempt, key, value)
        attempt.submitted_at = attempt.deadline
        attempt.auto_submitted = True
    return attempt


def reveal_answers(test: KnowledgeTest, now=None) -> bool:
    """Right answers are shown once the test has closed, so nobody passes them on while others still sit it."""
    return (now or timezone.now()) >= test.closes_at or test.cancelled_at is not None


# -- results --------------------------------------------------------------------------------------------------


def _bucket(code: str) -> dict:
    return {"code": code, "targeted": 0, "eligible": 0, "started": 0, "taken": 0, "passed": 0}


def _finish(bucket: dict) -> dict:
    bucket["failed"] = bucket["taken"] - bucket["passed"]
    bucket["pass_rate"] = round(100 * bucket["passed"] / bucket["taken"], 1) if bucket["taken"] else None
    bucket["take_rate"] = round(100 * bucket["taken"] / bucket["eligible"], 1) if bucket["eligible"] else None
    return bucket


def result_counts(*, user, tests, region_code: str | None = None) -> dict[tuple[int, str], dict]:
    """(test id, township code) -> targeted entities, eligible people, started, taken (handed in), passed,
    counting only what lies in the user's jurisdiction (and `region_code`). Three grouped queries in all."""
    if not user.has_perm("knowledge.view_results"):
        return {}
    test_ids = [t.pk for t in tests]
    township = Substr("region_id", 1, TOWNSHIP)
    targets = narrow_to(scope_queryset(Target.objects.filter(test_id__in=test_ids), user), region_code)
    eligible = Q(entity__users__role=Role.ENTERPRISE, entity__users__is_active=True) & (
        Q(test__target_roles="")
        | Q(test__target_roles__contains=Concat(Value("|"), F("entity__users__entity_role"), Value("|")))
    )
    out: dict[tuple[int, str], dict] = {}
    rows = (
        targets.annotate(township=township)
        .values("test_id", "township")
        .annotate(targeted=Count("pk", distinct=True), eligible=Count("entity__users", filter=eligible))
        .order_by()
    )
    for row in rows:
        bucket = out.setdefault((row["test_id"], row["township"]), _bucket(row["township"]))
        bucket["targeted"] += row["targeted"]
        bucket["eligible"] += row["eligible"]
    attempts = narrow_to(scope_queryset(Attempt.objects.filter(test_id__in=test_ids), user), region_code)
    rows = (
        attempts.annotate(township=township)
        .values("test_id", "township")
        .annotate(
            started=Count("pk"),
            taken=Count("pk", filter=Q(submitted_at__isnull=False)),
            passed=Count("pk", filter=Q(passed=True)),
        )
        .order_by()
    )
    for row in rows:
        bucket = out.setdefault((row["test_id"], row["township"]), _bucket(row["township"]))
        for key in ("started", "taken", "passed"):
            bucket[key] += row[key]
    return out


def results_by_township(*, user, test: KnowledgeTest, region_code: str | None = None) -> dict:
    """One test's figures per township (region code prefix) and in total."""
    counts = result_counts(user=user, tests=[test], region_code=region_code)
    names = dict(Region.objects.filter(code__in=[code for _t, code in counts]).values_list("code", "name"))
    rows = []
    total = _bucket("")
    for (_test, code), bucket in sorted(counts.items(), key=lambda item: item[0][1]):
        bucket["name"] = names.get(code, code)
        rows.append(_finish(bucket))
        for key in ("targeted", "eligible", "started", "taken", "passed"):
            total[key] += bucket[key]
    return {"rows": rows, "total": _finish(total)}


def results_by_test(*, user, tests, region_code: str | None = None) -> dict[int, dict]:
    """Each test's totals (for a list of tests)."""
    totals: dict[int, dict] = defaultdict(lambda: _bucket(""))
    for (test_id, _code), bucket in result_counts(user=user, tests=tests, region_code=region_code).items():
        for key in ("targeted", "eligible", "started", "taken", "passed"):
            totals[test_id][key] += bucket[key]
    return {test.pk: _finish(totals[test.pk]) for test in tests}


def people(*, user, test: KnowledgeTest, region_code: str | None = None) -> list[dict]:
    """Everyone asked to sit the test in the user's jurisdiction, with their paper's outcome; a covered entity
    with no account in a targeted post is listed too (nobody there can sit it)."""
    if not user.has_perm("knowledge.view_results"):
        return []
    targets = list(
        narrow_to(scope_queryset(Target.objects.filter(test=test), user), region_code)
        .select_related("entity", "region")
        .order_by("region_id", "entity__name", "pk")
    )
    entity_ids = [t.entity_id for t in targets]
    users = defaultdict(list)
    for account in eligible_users(test).filter(entity_id__in=entity_ids).order_by("name", "username"):
        users[account.entity_id].append(account)
    attempts = defaultdict(dict)
    for attempt in Attempt.objects.filter(test=test, entity_id__in=entity_ids).select_related("user"):
        attempts[attempt.entity_id][attempt.user_id] = attempt
    rows = []
    for target in targets:
        seated = {account.pk: account for account in users[target.entity_id]}
        for attempt in attempts[target.entity_id].values():
            seated.setdefault(attempt.user_id, attempt.user)
        if not seated:
            rows.append({"target": target, "user": None, "attempt": None})
        for account in seated.values():
            rows.append({"target": target, "user": account, "attempt": attempts[target.entity_id].get(account.pk)})
    return rows


def region_in_scope(*, user, code: str) -> Region:
    return get_in_scope(Region.objects.all(), user, field="code", code=code)
