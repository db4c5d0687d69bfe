"""Reads of surveys (docs/surveys.md): staff see the surveys of their county or of any region inside their
jurisdiction (a township's staff see their county's survey, whose results they help collect); the public sees an
open survey's questions only. Results are SQL sums per township and a little arithmetic (shian.surveys.maths)."""

from django.db.models import Count, F, Q, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from shian.core import rules
from shian.core.jurisdiction import region_under, scope_prefix
from shian.core.regioncodes import prefixes

from .. import maths
from ..models import Response, Stratum, Survey
from ..ruledefs import AWARENESS_MIN, SATISFACTION_MIN, Z


def surveys_for(user):
    prefix = scope_prefix(user)
    if prefix is None:
        return Survey.objects.none()
    qs = Survey.objects.select_related("region")
    if prefix == "":
        return qs
    return qs.filter(region_under(Survey, "region", prefix) | Q(region_id__in=prefixes(prefix)))


def survey_for(user, pk: int) -> Survey:
    survey = surveys_for(user).filter(pk=pk).first()
    if survey is None:
        raise Http404(_("未找到该调查，或不在您的管辖范围内。"))
    return survey


def public_survey(pk: int) -> Survey:
    survey = Survey.objects.filter(pk=pk, status=Survey.Status.OPEN).select_related("region").first()
    if survey is None:
        raise Http404(_("该调查不存在或未在进行中。"))
    return survey


def questionnaire(survey: Survey) -> list:
    return list(survey.questions.prefetch_related("options"))


def threshold(survey: Survey) -> float:
    """The pass line on the 0–100 scale: satisfaction points, or the awareness rate in percent."""
    if survey.kind == Survey.Kind.SATISFACTION:
        return rules.value(SATISFACTION_MIN.code, survey.region_id) / 10
    return rules.value(AWARENESS_MIN.code, survey.region_id) / 10


def cells(survey: Survey) -> list[maths.Cell]:
    """Per township of the plan (or, without a plan, of the responses): population and the sums of scores."""
    sums = {
        r["township_id"]: r
        for r in Response.objects.filter(survey=survey).values("township_id").order_by()
        .annotate(n=Count("pk"), total=Sum("score"), squares=Sum(F("score") * F("score")))
    }  # fmt: skip
    pops = dict(Stratum.objects.filter(survey=survey).values_list("township_id", "population"))
    out = []
    for code in sorted(set(pops) | set(sums)):
        s = sums.get(code, {})
        out.append(maths.Cell(code, pops.get(code, 0), s.get("n", 0), s.get("total") or 0.0, s.get("squares") or 0.0))
    return out


def results(survey: Survey) -> dict:
    """Overall and per township: weighted mean with its 95 % interval, answers, quota, and whether the mean reaches
    the pass line (satisfaction ≥ 80 points, awareness ≥ 85 %; rules)."""
    from shian.regions.models import Region

    z = rules.value(Z.code, survey.region_id) / 100
    cs = cells(survey)
    overall, per = maths.estimate(cs, z)
    quotas = dict(Stratum.objects.filter(survey=survey).values_list("township_id", "quota"))
    names = dict(Region.objects.filter(code__in=[c.key for c in cs]).values_list("code", "name"))
    line = threshold(survey)

    def row(est: maths.Estimate) -> dict:
        return {
            "mean": None if est.mean is None else round(est.mean, 2),
            "low": None if est.low is None else round(est.low, 2),
            "high": None if est.high is None else round(est.high, 2),
            "n": est.n,
            "passed": None if est.mean is None else est.mean >= line,
        }

    townships = []
    for c in cs:
        r = row(per[c.key])
        r.update(code=c.key, name=names.get(c.key, c.key), population=c.population, quota=quotas.get(c.key, 0),
                 weight=None if per[c.key].weight is None else round(per[c.key].weight, 4))  # fmt: skip
        townships.append(r)
    return {"survey": survey.pk, "kind": survey.kind, "threshold": line, "z": z, "overall": row(overall),
            "townships": townships, "quota": sum(quotas.values())}  # fmt: skip
