"""The trace (docs/trace.md §4): from the producers of a set of batches, every business the goods reached and what it
holds now. One recursive query over the indexed events (`trace_event_walk`: batch, from, to), the same SQL on SQLite
and PostgreSQL; what a business holds is what counted events brought it minus what they took from it."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, Sum

from ..models import ChainEvent

TRACE_SQL = """
WITH RECURSIVE reach(entity_id) AS (
    SELECT e.to_entity_id FROM trace_chainevent e
     WHERE e.batch_id IN ({ids}) AND e.kind = 'produced' AND e.counted
    UNION
    SELECT e.to_entity_id FROM trace_chainevent e JOIN reach r ON e.from_entity_id = r.entity_id
     WHERE e.batch_id IN ({ids}) AND e.to_entity_id IS NOT NULL AND e.counted
)
SELECT r.entity_id,
       (SELECT COALESCE(SUM(i.quantity), 0) FROM trace_chainevent i
         WHERE i.batch_id IN ({ids}) AND i.to_entity_id = r.entity_id AND i.counted) AS received,
       (SELECT COALESCE(SUM(o.quantity), 0) FROM trace_chainevent o
         WHERE o.batch_id IN ({ids}) AND o.from_entity_id = r.entity_id AND o.counted) AS sent
  FROM reach r
"""


@dataclass(frozen=True)
class Holder:
    entity_id: int
    received: int
    sent: int

    @property
    def held(self) -> int:
        return max(0, self.received - self.sent)


def downstream(batch_ids) -> list[Holder]:
    """Every business reached by the batches (their producers included), with what it received, passed on and holds."""
    ids = sorted({int(pk) for pk in batch_ids})
    if not ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(TRACE_SQL.format(ids=marks), ids * 4)
        rows = cursor.fetchall()
    return sorted((Holder(int(e), int(r), int(s)) for e, r, s in rows if e is not None), key=lambda h: h.entity_id)


def held_by(batch_id: int, entity_id: int) -> int:
    """What `entity_id` holds of the batch now (counted events in minus out)."""
    sums = ChainEvent.objects.filter(batch_id=batch_id, counted=True).aggregate(
        got=Sum("quantity", filter=Q(to_entity_id=entity_id)), gave=Sum("quantity", filter=Q(from_entity_id=entity_id))
    )
    return (sums["got"] or 0) - (sums["gave"] or 0)


def ever_held(batch_ids, entity_id: int) -> bool:
    return ChainEvent.objects.filter(batch_id__in=list(batch_ids), to_entity_id=entity_id, counted=True).exists()
