"""Questionnaires and sampling plans (docs/surveys.md §1, §2): administrators of a county create a survey (from the
form, the API or a JSON file), open and close it, and draw its plan. Each write is scoped to the actor's
jurisdiction and audited; bad input is refused whole with a message naming the question or option."""

import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES
from shian.core import audit, rules
from shian.core.jurisdiction import require_in_scope
from shian.core.regioncodes import COUNTY, TOWNSHIP, level_of
from shian.regions.models import Region

from .. import maths
from ..models import Option, Question, Stratum, Survey
from ..ruledefs import E, P, Z

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_FILES = {Survey.Kind.SATISFACTION: "satisfaction.json", Survey.Kind.AWARENESS: "awareness.json"}


def require_manager(actor, region_code: str | None) -> None:
    if not (actor.is_superuser or actor.role in ADMIN_ROLES):
        raise PermissionDenied(_("只有管理员（食安办）可以管理调查。"))
    require_in_scope(actor, region_code)


def clean_questions(kind: str, questions) -> list[dict]:
    """The questions checked: each has text and ≥ 2 options; satisfaction options carry a score 0–100, awareness
    questions exactly one right option."""
    errors: list[str] = []
    out: list[dict] = []
    if not isinstance(questions, list) or not questions:
        raise ValidationError({"questions": [_("问卷至少要有一道题。")]})
    for qi, q in enumerate(questions, 1):
        text = str((q or {}).get("text", "")).strip() if isinstance(q, dict) else ""
        options = q.get("options") if isinstance(q, dict) else None
        if not text:
            errors.append(_("第 %(q)d 题：请填写题目。") % {"q": qi})
        if not isinstance(options, list) or len(options) < 2:
            errors.append(_("第 %(q)d 题：至少要有两个选项。") % {"q": qi})
            continue
        opts = []
        for oi, o in enumerate(options, 1):
            o = o if isinstance(o, dict) else {}
            otext = str(o.get("text", "")).strip()
            if not otext:
                errors.append(_("第 %(q)d 题第 %(o)d 个选项：请填写选项文字。") % {"q": qi, "o": oi})
            score = o.get("score")
            if kind == Survey.Kind.SATISFACTION:
                if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 100:
                    errors.append(_("第 %(q)d 题第 %(o)d 个选项：满意度分值须为 0–100 的整数。") % {"q": qi, "o": oi})
                    score = None
            else:
                score = None
            opts.append({"text": otext[:200], "score": score, "correct": bool(o.get("correct"))})
        if kind == Survey.Kind.AWARENESS and sum(o["correct"] for o in opts) != 1:
            errors.append(_("第 %(q)d 题：知晓率题目须有且只有一个正确选项。") % {"q": qi})
        out.append({"text": text[:300], "options": opts})
    if errors:
        raise ValidationError({"questions": errors})
    return out


@transaction.atomic
def create_survey(*, actor, region_code: str, kind: str, title: str, period_start, period_end, questions,
                  margin_permille: int | None = None) -> Survey:  # fmt: skip
    """A draft survey of a county with its questions (all or nothing)."""
    require_manager(actor, region_code or None)
    errors: dict = {}
    if kind not in Survey.Kind.values:
        errors["kind"] = [_("调查类型须为 satisfaction（满意度）或 awareness（知晓率）。")]
    if level_of(region_code or "") != COUNTY or not Region.objects.filter(code=region_code).exists():
        errors["region"] = [_("请选择一个县（市、区）：%(code)s 不是。") % {"code": region_code}]
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("请填写调查名称。")]
    if not period_start or not period_end or period_end < period_start:
        errors["period"] = [_("请填写调查起止日期，结束日期不能早于开始日期。")]
    if margin_permille is not None and not 1 <= margin_permille <= 500:
        errors["margin_permille"] = [_("允许误差须在 1‰ 到 500‰ 之间。")]
    try:
        cleaned = clean_questions(kind, questions)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    survey = Survey.objects.create(region_id=region_code, kind=kind, title=title[:100], period_start=period_start,
                                   period_end=period_end, margin_permille=margin_permille, created_by=actor)  # fmt: skip
    for qi, q in enumerate(cleaned, 1):
        question = Question.objects.create(survey=survey, order=qi, text=q["text"])
        Option.objects.bulk_create(Option(question=question, order=oi, **o) for oi, o in enumerate(q["options"], 1))
    audit.record(actor=actor, action="survey.create", obj=survey, region_code=region_code,
                 after={"kind": kind, "title": survey.title, "questions": len(cleaned)})  # fmt: skip
    return survey


def read_questionnaire(path) -> dict:
    """A questionnaire file: {"kind", "title", "questions": [{"text", "options": [{"text", "score"|"correct"}]}]}."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ValidationError({"file": [_("找不到问卷文件：%(p)s") % {"p": path}]}) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError({"file": [_("问卷文件不是有效的 UTF-8 JSON：%(e)s") % {"e": exc}]}) from exc
    if not isinstance(data, dict):
        raise ValidationError({"file": [_("问卷文件的顶层须为对象（kind、title、questions）。")]})
    return data


def default_questionnaire(kind: str) -> dict:
    return read_questionnaire(DATA_DIR / DEFAULT_FILES[kind])


@transaction.atomic
def set_status(*, actor, survey: Survey, status: str) -> Survey:
    require_manager(actor, survey.region_id)
    allowed = {Survey.Status.DRAFT: {Survey.Status.OPEN}, Survey.Status.OPEN: {Survey.Status.CLOSED},
               Survey.Status.CLOSED: set()}  # fmt: skip
    if status not in allowed[survey.status]:
        raise ValidationError({"status": [_("不能从“%(a)s”变为“%(b)s”。") % {"a": survey.get_status_display(),
                                                                          "b": status}]})  # fmt: skip
    before = survey.status
    survey.status = status
    survey.save(update_fields=["status"])
    audit.record(actor=actor, action="survey.status", obj=survey, region_code=survey.region_id,
                 before={"status": before}, after={"status": status})  # fmt: skip
    return survey


def plan_parameters(survey: Survey) -> tuple[float, float, float]:
    """z, p and e of the survey's county (the rule store; the survey's own margin if chosen)."""
    region = survey.region_id
    z = rules.value(Z.code, region) / 100
    p = rules.value(P.code, region) / 1000
    e = (survey.margin_permille or rules.value(E.code, region)) / 1000
    return z, p, e


@transaction.atomic
def make_plan(*, actor, survey: Survey, populations: dict[str, int] | None = None,
              margin_permille: int | None = None) -> list[Stratum]:  # fmt: skip
    """Strata for every township of the county: population from `populations` or else the registry; the sample
    size for the margin of error and confidence, allocated in proportion to population. Replaces the old plan."""
    require_manager(actor, survey.region_id)
    populations = populations or {}
    townships = list(Region.objects.filter(parent_id=survey.region_id, level=TOWNSHIP, valid_to__isnull=True)
                     .order_by("code"))  # fmt: skip
    errors = []
    known = {t.code for t in townships}
    for code in populations:
        if code not in known:
            errors.append(_("%(code)s 不是本县的乡镇（街道）。") % {"code": code})
    pops = {}
    for t in townships:
        value = populations.get(t.code, t.population)
        if value is None or not isinstance(value, int) or value < 0:
            errors.append(_("%(name)s（%(code)s）：区划库没有常住人口，请填写。") % {"name": t.name, "code": t.code})
        else:
            pops[t.code] = value
    if margin_permille is not None and not 1 <= margin_permille <= 500:
        errors.append(_("允许误差须在 1‰ 到 500‰ 之间。"))
    if not townships:
        errors.append(_("本县没有乡镇（街道），无法分层抽样。"))
    if errors:
        raise ValidationError({"populations": errors})
    if margin_permille is not None:
        survey.margin_permille = margin_permille
        survey.save(update_fields=["margin_permille"])
    z, p, e = plan_parameters(survey)
    n = maths.sample_size(sum(pops.values()), z, p, e)
    quotas = maths.allocate(n, pops)
    survey.strata.all().delete()
    strata = Stratum.objects.bulk_create(
        Stratum(survey=survey, township_id=code, population=pops[code], quota=quotas[code]) for code in pops
    )
    audit.record(actor=actor, action="survey.plan", obj=survey, region_code=survey.region_id,
                 after={"sample_size": n, "z": z, "p": p, "e": e})  # fmt: skip
    return strata
