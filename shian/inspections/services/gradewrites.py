"""How a grading run writes what changed (docs/inspections.md §2): the grading service decides, per entity, whether
a new grade row is due, and hands it to a writer with the memoised score it carries (`Score`: a scheme, the scores,
the computed band and the factors, shared by the many entities that score alike). The band is the current grade
row alone (no copy on the entity), and the factors are a shared `RiskFactorSet` each distinct list of which is
stored once (`factor_sets`), so a grade row is small.

    DirectWrites   any database, a few entities or SQLite: per page, the entities' current rows off, then the
                   new rows (`core.bulk.insert_rows`, COPY on PostgreSQL).
    StagedWrites   PostgreSQL, a region's run: each page is copied into a temporary table of small rows (entity,
                   score number, band), the distinct scores into another, and `finish()` writes the province with
                   two set-based statements: the stale rows off and the new rows in (INSERT ... SELECT). A grade
                   another transaction made current meanwhile (a regrade after an inspection) is newer: the run
                   leaves it (ON CONFLICT on the one-current index).

Both write the same rows; the tests run the staged one through `grade_region` on PostgreSQL."""

from dataclasses import dataclass

from django.db import connection

from shian.core.bulk import chunked, insert_rows

from ..models import RiskFactorSet, RiskGrade

GRADE_COLUMNS = ["entity_id", "scheme_id", "static_score", "dynamic_score", "credit_score", "total", "computed_band",
                 "band", "factor_set_id", "manual", "reason", "trigger", "graded_by_id", "graded_at",
                 "is_current"]  # fmt: skip
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
    factor_set_id: int | None = None  # known once `factor_sets` has run for it


def factor_sets(scores) -> None:
    """Give each score its `factor_set_id`: the stored set with the same digest, or a new one (inserted once per
    distinct list; a set another run inserts at the same moment is taken, not duplicated)."""
    by_digest: dict[str, list[Score]] = {}
    for score in scores:
        if score.factor_set_id is None:
            by_digest.setdefault(RiskFactorSet.digest(score.factors), []).append(score)
    if not by_digest:
        return
    found: dict[str, int] = {}
    for chunk in chunked(list(by_digest)):
        found.update(RiskFactorSet.objects.filter(sha256__in=chunk).values_list("sha256", "pk"))
    missing = [digest for digest in by_digest if digest not in found]
    if missing:
        RiskFactorSet.objects.bulk_create(
            [RiskFactorSet(sha256=digest, factors=by_digest[digest][0].factors) for digest in missing],
            batch_size=1000, ignore_conflicts=True,
        )  # fmt: skip
        for chunk in chunked(missing):
            found.update(RiskFactorSet.objects.filter(sha256__in=chunk).values_list("sha256", "pk"))
    for digest, same in by_digest.items():
        for score in same:
            score.factor_set_id = found[digest]


class DirectWrites:
    """Rows written page by page (see the module docstring)."""

    def __init__(self, *, trigger: str, graded_by, graded_at):
        self.trigger, self.graded_by = trigger[:50], graded_by
        self.graded_at = connection.ops.adapt_datetimefield_value(graded_at)
        self.written = 0
        self._rows: list[tuple] = []

    def add(self, entity_id: int, score: Score, *, band: str, manual: bool, reason: str, stale):
        self._rows.append((entity_id, score, band, manual, reason))

    def flush(self) -> None:
        """Write the page's rows: whatever is current for these entities now goes off (the row read as stale, or
        one a concurrent regrade made current since: the last writer's grade stands), then the new rows."""
        if not self._rows:
            return
        factor_sets({id(score): score for _e, score, *_rest in self._rows}.values())
        ids = [row[0] for row in self._rows]
        for chunk in chunked(ids):
            RiskGrade.objects.filter(entity_id__in=chunk, is_current=True).update(is_current=False)
        rows = []
        for entity_id, score, band, manual, reason in self._rows:
            sums = score.sums
            rows.append((
                entity_id, score.scheme_id, sums["static"], sums["dynamic"], sums["credit"], sums["total"],
                score.computed, band, score.factor_set_id, manual, reason, self.trigger, self.graded_by,
                self.graded_at, True,
            ))  # fmt: skip
        if connection.vendor == "postgresql":
            for chunk in chunked(rows, 2000):  # bound parameters stay under PostgreSQL's 65,535
                self._insert_yielding(chunk)
        else:
            insert_rows(RiskGrade, GRADE_COLUMNS, rows)
        self.written += len(rows)
        self._rows = []

    @staticmethod
    def _insert_yielding(rows: list[tuple]) -> None:
        """PostgreSQL (a few entities: a regrade): a row whose entity got a current grade from a transaction that
        committed after the rows were retired (a region run ending) retires that one and goes in on the next try."""
        quote = connection.ops.quote_name
        column_of = {f.attname: f.column for f in RiskGrade._meta.concrete_fields}
        columns = ", ".join(quote(column_of[a]) for a in GRADE_COLUMNS)
        placeholder = "(" + ", ".join(["%s"] * len(GRADE_COLUMNS)) + ")"
        entity_column = quote(column_of["entity_id"])
        for _try in range(3):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {quote(RiskGrade._meta.db_table)} ({columns}) VALUES "
                    + ", ".join([placeholder] * len(rows))
                    + f" ON CONFLICT ({entity_column}) WHERE is_current DO NOTHING RETURNING {entity_column}",
                    [value for row in rows for value in row],
                )
                done = {entity_id for (entity_id,) in cursor.fetchall()}
            rows = [row for row in rows if row[0] not in done]
            if not rows:
                return
            RiskGrade.objects.filter(entity_id__in=[row[0] for row in rows], is_current=True).update(is_current=False)
        raise RuntimeError("risk grade rows kept conflicting with concurrent regrades")

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
                "band varchar(1) NOT NULL, manual boolean NOT NULL, reason varchar(300) NOT NULL, stale bigint) "
                "ON COMMIT DROP"
            )
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGE_SCORES} (score integer PRIMARY KEY, scheme_id bigint NOT NULL, "
                "static_score numeric(5, 1) NOT NULL, dynamic_score numeric(5, 1) NOT NULL, "
                "credit_score numeric(5, 1) NOT NULL, total numeric(5, 1) NOT NULL, computed_band varchar(1) NOT NULL, "
                "factor_set_id bigint NOT NULL) ON COMMIT DROP"
            )

    def add(self, entity_id: int, score: Score, *, band: str, manual: bool, reason: str, stale):
        self._scores[score.number] = score
        self._rows.append((entity_id, score.number, band, manual, reason, stale))

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
        """The two set-based writes, then the staging tables go."""
        self.flush()
        quote = connection.ops.quote_name
        grades = quote(RiskGrade._meta.db_table)
        column_of = {f.attname: f.column for f in RiskGrade._meta.concrete_fields}
        columns = ", ".join(quote(column_of[a]) for a in GRADE_COLUMNS)
        entity_column = quote(column_of["entity_id"])
        with connection.cursor() as cursor:
            if self.written:
                factor_sets(self._scores.values())
                with cursor.cursor.copy(f"COPY {STAGE_SCORES} FROM STDIN") as copy:
                    for s in self._scores.values():
                        sums = s.sums
                        copy.write_row((s.number, s.scheme_id, sums["static"], sums["dynamic"], sums["credit"],
                                        sums["total"], s.computed, s.factor_set_id))  # fmt: skip
                cursor.execute(f"ANALYZE {STAGE_ROWS}")
                cursor.execute(
                    f"UPDATE {grades} AS g SET is_current = false FROM {STAGE_ROWS} AS r "
                    "WHERE r.stale IS NOT NULL AND g.id = r.stale"
                )
                cursor.execute(
                    f"INSERT INTO {grades} ({columns}) SELECT r.entity_id, s.scheme_id, s.static_score, "
                    "s.dynamic_score, s.credit_score, s.total, s.computed_band, r.band, s.factor_set_id, r.manual, "
                    f"r.reason, %s, %s, %s, true FROM {STAGE_ROWS} AS r JOIN {STAGE_SCORES} AS s ON s.score = r.score "
                    f"ORDER BY r.entity_id ON CONFLICT ({entity_column}) WHERE is_current DO NOTHING",
                    [self.trigger, self.graded_by, self.graded_at],
                )
                self.written = cursor.rowcount
            cursor.execute(f"DROP TABLE {STAGE_ROWS}, {STAGE_SCORES}")
