"""The problem ledger (问题清单台账, docs/domain.md §4.5) as xlsx: one row per problem, streamed so a province fits."""

from collections.abc import Iterable, Iterator
from typing import IO

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.checklists.models import Severity
from shian.reports.xlsx import Column, write_xlsx

from .models import Problem


def ledger_columns() -> list[Column]:
    return [
        Column(_("主体名称"), 36),
        Column(_("统一社会信用代码"), 22),
        Column(_("所属区划"), 14),
        Column(_("包保干部"), 12),
        Column(_("检查项"), 40),
        Column(_("项目类型"), 10),
        Column(_("问题描述"), 60),
        Column(_("发现日期"), 12),
        Column(_("整改期限"), 12),
        Column(_("状态"), 18),
        Column(_("升级"), 22),
        Column(_("销号日期"), 12),
    ]


def _local_date(value):
    """A stored instant as the local calendar day (deadlines end at 23:59:59 local; a UTC time would shift it)."""
    return timezone.localtime(value).date() if value else None


def _rows(problems: Iterable[Problem]) -> Iterator[tuple]:
    severities = {value: str(label) for value, label in Severity.choices}
    statuses = {value: str(label) for value, label in Problem.Status.choices}
    escalations = {value: str(label) for value, label in Problem.Escalation.choices}
    for p in problems:
        yield (
            p.entity.name,
            p.entity.uscc,
            p.region.name,
            p.cadre.name,
            p.item.text,
            severities.get(p.severity, p.severity),
            p.description,
            p.found_on,
            _local_date(p.due_at),
            statuses.get(p.status, p.status),
            escalations.get(p.escalation, p.escalation),
            _local_date(p.closed_at),
        )


def write_problem_ledger(out: str | IO[bytes], problems: QuerySet[Problem] | Iterable[Problem]) -> int:
    """Write `problems` (already scoped and filtered, e.g. selectors.problem_list) to `out` as xlsx, in the
    queryset's order, reading it in chunks. Returns the number of rows written."""
    if isinstance(problems, QuerySet):
        problems = problems.select_related("entity", "region", "cadre", "item").iterator(chunk_size=2000)
    return write_xlsx(out, ledger_columns(), _rows(problems), sheet_name=_("问题清单台账"))
