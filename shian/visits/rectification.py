"""The rows of a cadre's 问题整改清单 (shian.baobao.documents): the open problems of the entities the cadre
guarantees, oldest deadline first. baobao sits below visits, so this module registers itself there
(VisitsConfig.ready) instead of baobao importing visits."""

from collections.abc import Sequence

from django.utils import timezone

from .models import Problem

MAX_ROWS = 200  # a printed list, not the ledger: the page shows the rest


def open_problem_rows(cadre, guarantees: Sequence) -> list[list[str]]:
    """One query: (主体名称, 问题, 整改措施, 时限, 责任人, 销号日期) per problem not yet closed."""
    entity_ids = [g.entity_id for g in guarantees]
    if not entity_ids:
        return []
    problems = (
        Problem.objects.filter(entity_id__in=entity_ids)
        .exclude(status=Problem.Status.CLOSED)
        .select_related("entity")
        .order_by("due_at", "pk")[:MAX_ROWS]
    )
    return [
        [
            problem.entity.name,
            problem.description,
            problem.get_status_display(),
            timezone.localtime(problem.due_at).strftime("%Y-%m-%d"),
            cadre.name,
            "",
        ]
        for problem in problems
    ]
