"""How a grading run writes what changed (docs/inspections.md §2): the grading service decides, per entity, whether
a new grade row is due, and hands it to a writer with the memoised score it carries (`Score`: a scheme, the scores,
the computed band and the factors, shared by the many entities that score alike).

    DirectWrites   any database, a few entities or SQLite: per page, one UPDATE of the stale rows, the new rows
                   (`core.bulk.insert_rows`, COPY on PostgreSQL) and one UPDATE of Entity.risk_grade per band.
    StagedWrites   PostgreSQL, a region's run: each page is copied into a temporary table of small rows (entity,
                   score number, band), the distinct scores into another (their factors parsed once each), and
                   `finish()` writes the province with three set-based statements: the stale rows off, the new
                   rows in (INSERT ... SELECT: the factors are copied, not parsed a million times), and one
                   UPDATE ... FROM of Entity.risk_grade.

Both write the same rows; the tests run the staged one through `grade_region` on PostgreSQL."""

import json
from dataclasses import dataclass

from django.db import connection

from shian.core.bulk import insert_rows
from shian.entities.models import Entity

from ..models import RiskGrade

GRADE_COLUMNS = ["entity_id", "scheme_id", "static_score", "dynamic_score", "credit_score", "total", "computed_band",
                 "band", "factors", "manual", "reason", "trigger", "graded_by_id", "graded_at", "is_current"]  # fmt: skip
STAGE_ROWS = "inspections_riskgrade_stage"
STAGE_SCORES = "inspections_riskgrade_stage_scores"


@dataclass(eq=False)
class Score:
    """One distinct computation: many entities share it (same scheme, static keys and dynamic inputs)."""

    number: int
    scheme_id: int
    factors: list
    sums: dict
    computed: str
    _text: str | None = None

    def text(self) -> str:
        """The factors as stored (JSON text), dumped once."""
        if self._text is None:
            self._text = json.dumps(self.factors, cls=RiskGrade._meta.get_field("factors").encoder)
        return self._text


class DirectWrites:
    """Rows written page by page (see the module docstring)."""

    def __init__(self, *, trigger: str, graded_by, graded_at):
        self.trigger, self.graded_by = trigger[:50], graded_by
        self.graded_at = connection.ops.adapt_datetimefield_value(graded_at)
        self.written = 0
        self._rows, self._stale, self._by_band = [], [], {}

    def add(self, entity_id: int, score: Score, *, band: str, manual: bool, reason: str, stale, band_changed: bool):
        sums = score.sums
        self._rows.append((
            entity_id, score.scheme_id, sums["static"], sums["dynamic"], sums["credit"], sums["total"],
            score.computed, band, score.text(), manual, reason, self.trigger, self.graded_by, self.graded_at, True,
        ))  # fmt: skip
        if stale is not None:
            self._stale.append(stale)
        if band_changed:
            self._by_band.setdefault(band, []).append(entity_id)

    def flush(self) -> None:
        """Write the page's rows."""
        RiskGrade.objects.filter(pk__in=self._stale).update(is_current=False)
        insert_rows(RiskGrade, GRADE_COLUMNS, self._rows)
        for band, ids in self._by_band.items():
            Entity.objects.filter(pk__in=ids).update(risk_grade=band)
        self.written += len(self._rows)
        self._rows, self._stale, self._by_band = [], [], {}

    def finish(self) -> None:
        self.flush()


class StagedWrites:
    """Rows staged page by page, written at the end (see the module docstring). PostgreSQL only; the temporary
    tables are dropped by `finish()` (or with the transaction if the run fails)."""

    def __init__(self, *, trigger: str, graded_by, graded_at):
        self.trigger, self.graded_by, self.graded_at = trigger[:50], graded_by, graded_at
        self.written = 0
        self._rows: list[tuple] = []
        self._scores: dict[int, Score] = {}
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGE_ROWS} (entity_id bigint NOT NULL, score integer NOT NULL, "
                "band varchar(1) NOT NULL, manual boolean NOT NULL, reason varchar(300) NOT NULL, stale bigint, "
                "band_changed boolean NOT NULL) ON COMMIT DROP"
            )
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGE_SCORES} (score integer PRIMARY KEY, scheme_id bigint NOT NULL, "
                "static_score numeric(5, 1) NOT NULL, dynamic_score numeric(5, 1) NOT NULL, "
                "credit_score numeric(5, 1) NOT NULL, total numeric(5, 1) NOT NULL, computed_band varchar(1) NOT NULL, "
                "factors jsonb NOT NULL) ON COMMIT DROP"
            )

    def add(self, entity_id: int, score: Score, *, band: str, manual: bool, reason: str, stale, band_changed: bool):
        self._scores[score.number] = score
        self._rows.append((entity_id, score.number, band, manual, reason, stale, band_changed))

    def flush(self) -> None:
        """Copy the page's rows into the staging table."""
        if not self._rows:
            return
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {STAGE_ROWS} FROM STDIN") as copy:
                for row in self._rows:
                    copy.write_row(row)
        self.written += len(self._rows)
        self._rows = []

    def finish(self) -> None:
        """The three set-based writes, then the staging tables go."""
        self.flush()
        quote = connection.ops.quote_name
        grades, entities = quote(RiskGrade._meta.db_table), quote(Entity._meta.db_table)
        column_of = {f.attname: f.column for f in RiskGrade._meta.concrete_fields}
        columns = ", ".join(quote(column_of[a]) for a in GRADE_COLUMNS)
        with connection.cursor() as cursor:
            if self.written:
                with cursor.cursor.copy(f"COPY {STAGE_SCORES} FROM STDIN") as copy:
                    for s in self._scores.values():
                        sums = s.sums
                        copy.write_row((s.number, s.scheme_id, sums["static"], sums["dynamic"], sums["credit"],
                                        sums["total"], s.computed, s.text()))  # fmt: skip
                cursor.execute(f"ANALYZE {STAGE_ROWS}")
                cursor.execute(
                    f"UPDATE {grades} AS g SET is_current = false FROM {STAGE_ROWS} AS r "
                    "WHERE r.stale IS NOT NULL AND g.id = r.stale"
                )
                cursor.execute(
                    f"INSERT INTO {grades} ({columns}) SELECT r.entity_id, s.scheme_id, s.static_score, "
                    "s.dynamic_score, s.credit_score, s.total, s.computed_band, r.band, s.factors, r.manual, r.reason, "
                    f"%s, %s, %s, true FROM {STAGE_ROWS} AS r JOIN {STAGE_SCORES} AS s ON s.score = r.score "
                    "ORDER BY r.entity_id",
                    [self.trigger, self.graded_by, self.graded_at],
                )
                cursor.execute(
                    f"UPDATE {entities} AS e SET risk_grade = r.band FROM {STAGE_ROWS} AS r "
                    "WHERE r.band_changed AND e.id = r.entity_id AND e.risk_grade <> r.band"
                )
            cursor.execute(f"DROP TABLE {STAGE_ROWS}, {STAGE_SCORES}")
