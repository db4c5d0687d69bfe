"""Survey figures for the KPI registry (docs/surveys.md §4, docs/kpis.md), read by the dashboard and the evaluation
(items 70/71, veto 111). Additive parts per township of the latest survey of each kind whose period started by the
day asked: population×mean×100 and population, so a county's figure is Σ N_h·ȳ_h / Σ N_h — the post-stratified
mean over the townships that answered."""

import datetime

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from shian.core.jurisdiction import region_under
from shian.core.kpis import Kpi, Provider, records_url, register
from shian.core.regioncodes import COUNTY, ancestor, level_of

from .models import Response, Stratum, Survey


def _latest(prefix: str, kind: str, as_of: datetime.date) -> list[int]:
    """The newest survey of `kind` per county under (or above) `prefix` whose period started by `as_of`."""
    qs = Survey.objects.filter(kind=kind, period_start__lte=as_of).exclude(status=Survey.Status.DRAFT)
    if prefix:
        level = level_of(prefix)
        qs = qs.filter(region_under(Survey, "region", ancestor(prefix, COUNTY) if level and level > COUNTY else prefix))
    seen: dict[str, int] = {}
    for pk, region in qs.order_by("-period_end", "-pk").values_list("pk", "region_id"):
        seen.setdefault(region, pk)
    return list(seen.values())


def count(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    out: dict = {}
    if grouping.depth is None:
        return out
    for kind, tag in ((Survey.Kind.SATISFACTION, "sv_sat"), (Survey.Kind.AWARENESS, "sv_aw")):
        ids = _latest(prefix, kind, as_of)
        if not ids:
            continue
        pops = {(s, t): p for s, t, p in Stratum.objects.filter(survey_id__in=ids)
                .values_list("survey_id", "township_id", "population")}  # fmt: skip
        rows = (Response.objects.filter(region_under(Response, "township", prefix), survey_id__in=ids)
                .values("survey_id", "township_id").order_by().annotate(n=Count("pk"), total=Sum("score")))  # fmt: skip
        for r in rows:
            population = pops.get((r["survey_id"], r["township_id"]), 0)
            if not population or not r["n"]:
                continue
            group = r["township_id"][: grouping.depth]
            parts = out.setdefault(group, {})
            parts[f"{tag}_wsum"] = parts.get(f"{tag}_wsum", 0) + round(population * r["total"] / r["n"] * 100)
            parts[f"{tag}_pop"] = parts.get(f"{tag}_pop", 0) + population
    return out


def _mean(tag: str):
    def value(parts) -> float | None:
        pop = parts.get(f"{tag}_pop", 0)
        return round(parts.get(f"{tag}_wsum", 0) / pop / 100, 1) if pop else None

    return value


register(
    Provider(
        key="surveys",
        count=count,
        kpis=[
            Kpi("surveys.satisfaction", _("食品安全群众满意度"), _("分"), _mean("sv_sat"), better="high",
                link=lambda code: records_url("surveys:survey_list", code),
                doc=_("最近一轮满意度调查的加权平均分（按乡镇常住人口事后分层加权，0–100 分；"
                      "达标线 surveys.satisfaction_min_x10，低于即一票否决）。")),
            Kpi("surveys.awareness", _("食品安全知晓率"), "%", _mean("sv_aw"), better="high",
                link=lambda code: records_url("surveys:survey_list", code),
                doc=_("最近一轮知晓率调查的加权答对率（按乡镇常住人口事后分层加权；达标线 surveys.awareness_min_permille）。")),
        ],
    )
)  # fmt: skip
