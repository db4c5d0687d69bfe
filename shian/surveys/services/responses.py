"""Responses (docs/surveys.md §3): the public's, one per phone per survey, the phone proven by the one-time code of
shian.core.phonecodes (the same check as the public complaint form and the 你点我检 vote) and kept only as its keyed
hash; and the interviewer's, door to door, with no phone but the interviewer recorded. A response without a valid
code, a second one from the same phone, a township outside the survey's county or a missing answer is refused whole."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shian.accounts.models import ADMIN_ROLES, Role
from shian.core import audit, phonecodes
from shian.core.jurisdiction import in_scope
from shian.entities.validators import validate_phone

from ..models import Response, Stratum, Survey

INTERVIEWERS = ADMIN_ROLES | {Role.STATION_STAFF, Role.CADRE, Role.GRID_WORKER}
ALREADY = gettext_lazy("该手机号已参加过本次调查，每个手机号每次调查只能提交一份答卷。")
NOT_OPEN = gettext_lazy("本次调查未在进行中，暂不能提交答卷。")


def purpose(survey: Survey) -> str:
    return f"survey.{survey.pk}"


def _open(survey: Survey) -> None:
    if survey.status != Survey.Status.OPEN:
        raise ValidationError({"survey": [NOT_OPEN]})


def _phone(phone: str) -> str:
    try:
        return validate_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc


def townships(survey: Survey):
    """The townships a respondent may choose: the plan's strata (or, before a plan, the county's townships)."""
    from shian.regions.models import Region

    codes = list(Stratum.objects.filter(survey=survey).values_list("township_id", flat=True))
    qs = Region.objects.filter(code__in=codes) if codes else Region.objects.filter(parent_id=survey.region_id)
    return qs.order_by("code")


def score_answers(survey: Survey, answers) -> tuple[dict, float]:
    """Answers {question order: option order} checked against the questionnaire; the response's score (satisfaction:
    mean option score; awareness: right answers ÷ questions × 100)."""
    answers = answers if isinstance(answers, dict) else {}
    got: dict[str, int] = {}
    errors: list[str] = []
    values: list[float] = []
    for q in survey.questions.prefetch_related("options"):
        raw = answers.get(str(q.order), answers.get(q.order))
        option = next((o for o in q.options.all() if str(o.order) == str(raw)), None)
        if option is None:
            errors.append(_("第 %(q)d 题“%(t)s”：请选择一个选项。") % {"q": q.order, "t": q.text})
            continue
        got[str(q.order)] = option.order
        values.append(option.score if survey.kind == Survey.Kind.SATISFACTION else 100.0 * option.correct)
    if errors:
        raise ValidationError({"answers": errors})
    return got, (sum(values) / len(values) if values else 0.0)


def _township(survey: Survey, code: str) -> str:
    if not code or not townships(survey).filter(code=code).exists():
        raise ValidationError({"township": [_("请选择您所在的乡镇（街道）。")]})
    return code


def send_code(*, survey: Survey, phone: str) -> int:
    """Text a one-time code to the respondent's phone (limited per phone and per address: core.phonecodes)."""
    _open(survey)
    phone = _phone(phone)
    text = _("【食安】您正在参加“%(title)s”，验证码 %%(code)s，%%(minutes)d 分钟内有效。") % {"title": survey.title}
    return phonecodes.send_code(purpose=purpose(survey), phone=phone, text=text)


def submit_public(*, survey: Survey, township: str, answers, phone: str, code: str) -> Response:
    """One verified response per phone per survey (see the module docstring)."""
    _open(survey)
    errors: dict = {}
    try:
        township = _township(survey, township)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        answers, score = score_answers(survey, answers)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    phone = _phone(phone)
    if not (code or "").strip():
        raise ValidationError({"code": [_("未经短信验证的答卷不予接收：请先获取并填写短信验证码。")]})
    phone_hash = phonecodes.verify_code(purpose=purpose(survey), phone=phone, code=code)
    if Response.objects.filter(survey=survey, phone_hash=phone_hash).exists():
        raise ValidationError({"phone": [ALREADY]}, code="answered")
    try:
        with transaction.atomic():
            response = Response.objects.create(survey=survey, township_id=township, mode=Response.Mode.PUBLIC,
                                               phone_hash=phone_hash, answers=answers, score=score,
                                               created_at=timezone.now())  # fmt: skip
    except IntegrityError as exc:  # the same phone at the same moment
        raise ValidationError({"phone": [ALREADY]}, code="answered") from exc
    audit.record(actor=None, action="survey.respond", obj=survey, region_code=township, after={"mode": "public"})
    return response


@transaction.atomic
def submit_interview(*, actor, survey: Survey, township: str, answers) -> Response:
    """A door-to-door response entered by a staff account inside its jurisdiction (no phone; the interviewer kept)."""
    if not (actor.is_superuser or actor.role in INTERVIEWERS):
        raise PermissionDenied(_("只有管理员、市场监管所人员、包保干部和网格员可以录入入户调查答卷。"))
    _open(survey)
    errors: dict = {}
    try:
        township = _township(survey, township)
        if not (in_scope(actor, township) or (actor.region_id or "~").startswith(township)):
            raise ValidationError({"township": [_("该乡镇（街道）不在您的管辖范围内。")]})
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        answers, score = score_answers(survey, answers)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    response = Response.objects.create(survey=survey, township_id=township, mode=Response.Mode.INTERVIEW,
                                       interviewer=actor, answers=answers, score=score,
                                       created_at=timezone.now())  # fmt: skip
    audit.record(actor=actor, action="survey.interview", obj=response, region_code=township,
                 after={"survey": survey.pk, "township": township})  # fmt: skip
    return response
