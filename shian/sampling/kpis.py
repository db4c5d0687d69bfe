"""Sampling figures for the dashboard and the sampling overview (docs/sampling.md, docs/kpis.md); each part of
docs/sampling.md registers its own block, every figure built from additive parts (shian/core/kpis.py)."""

# -- plans: plan completion, pass rate, coverage of producers --


# -- lab results and disposal: disposal rate, disposal on time --

# -- public: results published, 你点我检, rapid tests --
# Rapid tests are counted apart from lab results (docs/sampling.md §5).
import datetime  # noqa: E402

from django.db.models import Count, Q  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402

from shian.core.jurisdiction import narrow_to  # noqa: E402
from shian.core.kpis import Kpi, Provider, absorb, count_of, ratio, records_url, register  # noqa: E402
from shian.inspections.models import Station  # noqa: E402

from .models import RapidTest, Sample  # noqa: E402


def count_public(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    """Rapid-test rooms per station (stations with an active room), rapid tests and positives this month (apart
    from lab results), and results published out of results with a conclusion. Rooms and stations belong to a
    county: they are counted at county depth and above, never per entity."""
    out: dict = {}
    month_start = as_of.replace(day=1)
    absorb(out, grouping.sums(narrow_to(Sample.objects.exclude(conclusion=""), prefix), "region_id", "entity_id",
                              pub_due=Count("pk"), pub_done=Count("pk", filter=Q(published_at__isnull=False))))  # fmt: skip
    if grouping.depth is None:
        return out
    stations = narrow_to(Station.objects.all(), prefix)
    absorb(out, grouping.sums(stations, "region_id", "pk", rapid_stations=Count("pk", distinct=True),
                              rapid_covered=Count("pk", filter=Q(rapid_test_rooms__active=True), distinct=True),
                              rapid_rooms=Count("rapid_test_rooms", filter=Q(rapid_test_rooms__active=True),
                                                distinct=True)))  # fmt: skip
    tests = narrow_to(RapidTest.objects.filter(day__gte=month_start, day__lte=as_of), prefix, "room__station__region")
    absorb(out, grouping.sums(tests, "room__station__region_id", "entity_id", rapid_tests=Count("pk"),
                              rapid_positive=Count("pk", filter=Q(result=RapidTest.Result.POSITIVE))))  # fmt: skip
    return out


def _rooms(code: str) -> str:
    return records_url("sampling:rapid_rooms", code)


def _public(code: str) -> str:
    return records_url("sampling:public_results", code)


register(
    Provider(
        key="sampling_public",
        count=count_public,
        kpis=[
            Kpi(
                "sampling.published",
                _("抽检结果公布率"),
                "%",
                ratio("pub_done", "pub_due"),
                link=_public,
                better="high",
                doc=_("已出检验结论的样品中，结果已在公示页面公布的比例。"),
            ),
            Kpi(
                "sampling.rapid_station_coverage",
                _("快检室覆盖市场监管所比例"),
                "%",
                ratio("rapid_covered", "rapid_stations"),
                link=_rooms,
                better="high",
                doc=_("有在用快检室的市场监管所占全部市场监管所的比例（按所属县区统计）。"),
            ),
            Kpi(
                "sampling.rapid_rooms",
                _("在用快检室"),
                "",
                count_of("rapid_rooms"),
                link=_rooms,
                doc=_("在用快检室数量（按市场监管所所属县区统计）。"),
            ),
            Kpi(
                "sampling.rapid_tests_month",
                _("本月快检批次"),
                "",
                count_of("rapid_tests"),
                link=_rooms,
                doc=_("本月 1 日至统计日快检室登记的快检批次，与实验室检验结果分开统计。"),
            ),
            Kpi(
                "sampling.rapid_positive_month",
                _("本月快检阳性批次"),
                "",
                count_of("rapid_positive"),
                link=_rooms,
                better="low",
                doc=_("本月快检结果为阳性（疑似不合格）的批次。"),
            ),
        ],
    )
)
