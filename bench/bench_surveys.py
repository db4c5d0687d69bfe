"""Issue 23 part 5 (docs/surveys.md §4): weighted survey results over 100,000 responses < 2 s. A throwaway database
(SQLite, or BENCH_DATABASE_URL) with one county of 20 townships, a satisfaction survey and its plan, and N responses
(`BENCH_SURVEY_RESPONSES`, default 100,000) bulk-created; then the results (one grouped SQL query and the arithmetic
of shian/surveys/maths.py) and the KPI parts, each the best of 3 runs."""

import datetime
import os
import random
import time

from common import django_setup, emit, manage, scratch_env

N = int(os.environ.get("BENCH_SURVEY_RESPONSES", "100000"))
TARGET_S = 2.0


def main() -> None:
    with scratch_env() as env:
        manage(env, "migrate", "--noinput", "-v0")
        django_setup(env["DATABASE_URL"], SHIAN_VAR_DIR=env["SHIAN_VAR_DIR"])
        from django.utils import timezone

        from shian.core.kpis import Grouping, kpi
        from shian.regions.models import Region
        from shian.surveys import kpis as survey_kpis
        from shian.surveys.models import Option, Question, Response, Stratum, Survey
        from shian.surveys.selectors import surveys as selectors

        rng = random.Random(23)
        Region.objects.get_or_create(code="37", defaults={"name": "山东省", "level": 1})
        Region.objects.get_or_create(code="3707", defaults={"name": "潍坊市", "level": 2, "parent_id": "37"})
        Region.objects.get_or_create(code="370725", defaults={"name": "昌乐县", "level": 3, "parent_id": "3707"})
        towns = [f"370725{100 + i:03d}" for i in range(20)]
        for i, code in enumerate(towns):
            Region.objects.get_or_create(code=code, defaults={"name": f"镇{i}", "level": 4, "parent_id": "370725"})
        survey = Survey.objects.create(region_id="370725", kind="satisfaction", title="bench", status="closed",
                                       period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 12, 31))  # fmt: skip
        q = Question.objects.create(survey=survey, order=1, text="满意吗")
        Option.objects.bulk_create(Option(question=q, order=i + 1, text=str(s), score=s) for i, s in enumerate((100, 80, 60, 30, 0)))  # fmt: skip
        Stratum.objects.bulk_create(Stratum(survey=survey, township_id=c, population=rng.randint(5000, 80000),
                                            quota=N // 20) for c in towns)  # fmt: skip
        now = timezone.now()
        started = time.perf_counter()
        Response.objects.bulk_create(
            (Response(survey=survey, township_id=rng.choice(towns), mode="interview", answers={"1": 1},
                      score=rng.choice((100, 80, 60, 30, 0)), created_at=now) for _ in range(N)),
            batch_size=5000,
        )  # fmt: skip
        load_s = time.perf_counter() - started
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            out = selectors.results(survey)
            runs.append(time.perf_counter() - t)
        kpi_runs = []
        for _ in range(3):
            t = time.perf_counter()
            parts = survey_kpis.count(prefix="370725", grouping=Grouping(6), as_of=datetime.date(2026, 6, 1))
            kpi_runs.append(time.perf_counter() - t)
        emit("surveys", responses=N, database=env["DATABASE_URL"].split(":")[0], load_s=round(load_s, 2),
             results_s=round(min(runs), 3), kpi_s=round(min(kpi_runs), 3), target_s=TARGET_S,
             ok=min(runs) < TARGET_S, mean=out["overall"]["mean"], ci=[out["overall"]["low"], out["overall"]["high"]],
             kpi=kpi("surveys.satisfaction").value(parts["370725"]))  # fmt: skip


if __name__ == "__main__":
    main()
