"""Pages of 监督抽考, phone first: an enterprise account's tests and the timed paper; a regulator's tests,
scheduling form, results per township and the question bank."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.access import ENTERPRISE, RESULT_READERS, SIGNED_IN, STATION
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages
from shian.core.forms import apply_service_errors, error_messages
from shian.core.permissions import require_perm
from shian.entities import selectors as entity_selectors
from shian.reports.xlsx import xlsx_response

from . import selectors, services
from .exports import write_template
from .forms import BankFilterForm, BankUploadForm, ScheduleForm
from .models import OPTION_LETTERS, KnowledgeTest, QuestionKind

PER_PAGE = 30
SEARCH_LIMIT = 30


# -- where everyone starts ------------------------------------------------------------------------------------


@access(SIGNED_IN)
def home(request):
    """An enterprise account sees the tests it is to sit and its results; a regulator the tests in its region."""
    user = request.user
    now = timezone.now()
    if selectors.is_examinee(user):
        services.close_expired(now=now, user=user)
        return render(request, "knowledge/mine.html", {**selectors.my_tests(user=user, now=now), "now": now})
    code = current_region_code(request)
    tests = selectors.test_list(user=user, region_code=code)
    page = Paginator(tests, PER_PAGE).get_page(request.GET.get("page"))
    totals = selectors.results_by_test(user=user, tests=list(page), region_code=code)
    for test in page:
        test.totals = totals.get(test.pk)
        test.state_label_now = test.state_label(now)
        test.state_now = test.state(now)
    context = {"page": page, "regulator": selectors.is_regulator(user), "tab": "tests"}
    return render(request, "knowledge/home.html", context)


# -- scheduling -----------------------------------------------------------------------------------------------


def _chosen_ids(request) -> list[int]:
    ids = []
    for value in request.POST.getlist("entity")[: services.MAX_TARGETS]:
        if value.isascii() and value.isdigit() and len(value) < 16:
            ids.append(int(value))
    return sorted(set(ids))


@access(STATION)
def test_new(request):
    """Schedule a test: chosen entities (search and tick) or a random sample of the region's entities."""
    require_perm(request.user, "knowledge.schedule_test")
    code = current_region_code(request)
    form = ScheduleForm(request.POST or None)
    chosen_ids = _chosen_ids(request) if request.method == "POST" else []
    q = request.POST.get("q", "").strip()[:50]
    errors: list[str] = []
    if request.method == "POST" and request.POST.get("action") == "schedule":
        if form.is_valid():
            data = form.cleaned_data
            random_pick = data["selection"] == KnowledgeTest.Selection.RANDOM
            try:
                test = services.schedule_test(
                    actor=request.user, title=data["title"], opens_at=data["opens_at"], closes_at=data["closes_at"],
                    duration_minutes=data["duration_minutes"], question_count=data["question_count"],
                    pass_mark=data["pass_mark"], target_roles=data["target_roles"],
                    entity_ids=None if random_pick else chosen_ids,
                    sample_size=data["sample_size"] if random_pick else None,
                    business_types=data["business_types"] if random_pick else (), region_code=code,
                )  # fmt: skip
            except ValidationError as exc:
                errors = apply_service_errors(form, exc, keep_unplaced=True)
            else:
                messages.success(
                    request,
                    _("已安排抽考“%(title)s”，共 %(n)d 户主体。") % {"title": test.title, "n": test.targets.count()},
                )
                return redirect("knowledge:test_detail", pk=test.pk)
    visible = entity_selectors.entity_list(user=request.user, region_code=code)
    chosen = list(visible.filter(pk__in=chosen_ids)) if chosen_ids else []
    found = list(entity_selectors.entity_list(user=request.user, region_code=code, q=q)[:SEARCH_LIMIT]) if q else []
    chosen_pks = {e.pk for e in chosen}
    context = {
        "form": form,
        "q": q,
        "chosen": chosen,
        "found": [e for e in found if e.pk not in chosen_pks],
        "searched": bool(q),
        "errors": errors,
        "tab": "new",
        "regulator": True,
    }
    status = 422 if (errors or form.errors) and request.POST.get("action") == "schedule" else 200
    return render(request, "knowledge/test_form.html", context, status=status)


# -- one test -------------------------------------------------------------------------------------------------


@access(SIGNED_IN, objects="knowledge_test")
def test_detail(request, pk: int):
    user = request.user
    test = selectors.test_get(user=user, pk=pk)
    now = timezone.now()
    if selectors.is_examinee(user):
        attempt = selectors.attempt_list(user=user, test_id=test.pk).first()
        if attempt is not None:
            return redirect("knowledge:attempt", pk=attempt.pk)
        context = {
            "test": test,
            "state": test.state(now),
            "state_label": test.state_label(now),
            "eligible": selectors.is_eligible(user, test),
        }
        return render(request, "knowledge/test_intro.html", context)
    services.close_expired(now=now, test=test)
    code = current_region_code(request)
    results = selectors.results_by_township(user=user, test=test, region_code=code)
    page = Paginator(selectors.people(user=user, test=test, region_code=code), 50).get_page(request.GET.get("page"))
    context = {
        "test": test,
        "state": test.state(now),
        "state_label": test.state_label(now),
        "results": results,
        "page": page,
        "can_cancel": test.cancelled_at is None and selectors.can_manage(user, test) and test.closes_at > now,
        "can_view_results": user.has_perm("knowledge.view_results"),
        "regulator": True,
        "tab": "tests",
    }
    return render(request, "knowledge/test_detail.html", context)


@access(RESULT_READERS, objects="knowledge_test")
def test_export(request, pk: int):
    require_perm(request.user, "knowledge.view_results")
    test = selectors.test_get(user=request.user, pk=pk)
    services.close_expired(test=test)
    code = current_region_code(request)
    name = f"监督抽考结果-{test.pk}-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(
        name, lambda out: services.export_results(actor=request.user, test=test, output=out, region_code=code)
    )


@access(STATION, objects="knowledge_test")
@require_POST
def test_cancel(request, pk: int):
    test = selectors.test_get(user=request.user, pk=pk)
    with service_errors_as_messages(request):
        services.cancel_test(actor=request.user, test=test)
        messages.success(request, _("抽考已取消，已通知尚未交卷的人员。"))
    return redirect("knowledge:test_detail", pk=test.pk)


# -- a paper --------------------------------------------------------------------------------------------------


@access(ENTERPRISE, objects="knowledge_test")
@require_POST
def attempt_start(request, pk: int):
    test = selectors.test_get(user=request.user, pk=pk)
    try:
        attempt = services.start_attempt(actor=request.user, test=test)
    except ValidationError as exc:
        messages.error(request, "；".join(error_messages(exc)))
        return redirect("knowledge:test_detail", pk=test.pk)
    return redirect("knowledge:attempt", pk=attempt.pk)


def _posted_answers(request, attempt) -> dict[str, str]:
    """The paper's answers from the form: q_<id> holds a letter (single, judge) or several (multiple)."""
    answers = {}
    for question in attempt.paper:
        values = request.POST.getlist(f"q_{question['id']}")[: len(OPTION_LETTERS)]
        if values:
            answers[str(question["id"])] = "".join(v[:1] for v in values)
    return answers


def _questions(attempt, reveal: bool) -> list[dict]:
    rows = []
    for number, question in enumerate(attempt.paper, start=1):
        given = attempt.answers.get(str(question["id"]), "")
        if question["kind"] == QuestionKind.JUDGE:
            choices = [("T", _("对")), ("F", _("错"))]
        else:
            choices = list(zip(OPTION_LETTERS, question["options"], strict=False))
        rows.append(
            {
                "number": number,
                "q": question,
                "kind_label": QuestionKind(question["kind"]).label,
                "choices": [(letter, text, letter in given) for letter, text in choices],
                "given": given,
                "right": bool(given) and given == question["answer"],
                "answer_label": _answer_label(question) if reveal else "",
                "multiple": question["kind"] == QuestionKind.MULTIPLE,
            }
        )
    return rows


def _answer_label(question: dict) -> str:
    if question["kind"] == QuestionKind.JUDGE:
        return _("对") if question["answer"] == "T" else _("错")
    return question["answer"]


@access(SIGNED_IN, objects="attempt")
def attempt_detail(request, pk: int):
    """The paper while time runs (the person's own), the result once handed in."""
    user = request.user
    attempt = selectors.attempt_get(user=user, pk=pk)
    now = timezone.now()
    own = attempt.user_id == user.pk
    if request.method == "POST":
        if not own:
            raise Http404
        try:
            services.submit_attempt(actor=user, attempt=attempt, answers=_posted_answers(request, attempt))
        except services.PaperClosed as exc:
            messages.error(request, exc.messages[0])
        except ValidationError as exc:
            messages.error(request, "；".join(error_messages(exc)))
        else:
            messages.success(request, _("已交卷。"))
        return redirect("knowledge:attempt", pk=attempt.pk)
    if attempt.submitted_at is None and now > attempt.deadline + services.GRACE:
        services.close_expired(now=now, test=attempt.test)
        attempt = selectors.attempt_get(user=user, pk=pk)
    test = attempt.test
    if attempt.submitted_at is None and own:
        remaining = max(0, int((attempt.deadline - now).total_seconds()))
        context = {
            "attempt": attempt,
            "test": test,
            "questions": _questions(attempt, reveal=False),
            "now": now,
            "remaining": remaining,
            "remaining_text": f"{remaining // 60:02d}:{remaining % 60:02d}",
        }
        return render(request, "knowledge/take.html", context)
    reveal = not own or selectors.reveal_answers(test, now)
    context = {"attempt": attempt, "test": test, "questions": _questions(attempt, reveal=reveal), "reveal": reveal}
    return render(request, "knowledge/result.html", context)


@access(ENTERPRISE, objects="attempt")
@require_POST
def attempt_save(request, pk: int):
    """The page saves answers as the person goes (knowledge/take.js), so they count if time runs out."""
    attempt = selectors.attempt_get(user=request.user, pk=pk)
    if attempt.user_id != request.user.pk:
        raise Http404
    try:
        services.save_answers(actor=request.user, attempt=attempt, answers=_posted_answers(request, attempt))
    except ValidationError as exc:
        return JsonResponse({"ok": False, "errors": error_messages(exc)}, status=422)
    return JsonResponse({"ok": True, "saved_at": timezone.now().isoformat()})


# -- the bank -------------------------------------------------------------------------------------------------


@access(STATION)
def bank(request):
    require_perm(request.user, "knowledge.view_bank")
    can_import = request.user.has_perm("knowledge.manage_bank")
    upload = BankUploadForm()
    import_errors: list[str] = []
    status = 200
    if request.method == "POST":
        require_perm(request.user, "knowledge.manage_bank")
        upload = BankUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            handle = upload.cleaned_data["file"]
            try:
                counts = services.import_questions(actor=request.user, data=handle.read(), filename=handle.name)
            except ValidationError as exc:
                import_errors = error_messages(exc)
                status = 422
            else:
                messages.success(
                    request,
                    _("题库导入完成：共 %(rows)d 题，新增 %(created)d，更新 %(updated)d，未变 %(unchanged)d。")
                    % counts,
                )
                return redirect("knowledge:bank")
        else:
            status = 422
    filters = BankFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    questions = selectors.question_list(user=request.user, q=chosen.get("q", ""), kind=chosen.get("kind", ""))
    page = Paginator(questions, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "upload": upload,
        "can_import": can_import,
        "import_errors": import_errors,
        "letters": OPTION_LETTERS,
        "regulator": True,
        "tab": "bank",
    }
    return render(request, "knowledge/bank.html", context, status=status)


@access(STATION)
def bank_template(request):
    require_perm(request.user, "knowledge.view_bank")
    return xlsx_response("监督抽考题库模板.xlsx", write_template)
