"""包保关系台账: which cadre guarantees each registered entity, within the rules the assignment engine keeps."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.baobao.models import AssignmentRun, Cadre, CadreLevel, Guarantee, Policy
from shian.core.bulk import chunked
from shian.core.regioncodes import PROVINCE, ancestor
from shian.entities.models import Entity
from shian.entities.selectors import baobao_grades
from shian.imports.importer import FILE_ROW, Change, Plan, lookup
from shian.imports.reading import Row
from shian.imports.specs import choice_text

from ..specs import ASSIGNMENTS
from .linked import EntityLedger


def policies_for(codes: Iterable[str]) -> dict[str, Policy]:
    """:func:`shian.baobao.grading.policy_for` of many regions with one query: for each code, the newest version
    of the most specific policy whose region contains it (the table holds a few rows per province)."""
    policies = list(Policy.objects.all())
    return {
        code: max(
            (p for p in policies if code.startswith(p.region_id or "")),
            key=lambda p: (len(p.region_id or ""), p.version),
        )
        for code in set(codes)
    }


class AssignmentImporter(EntityLedger):
    """包保关系台账: which cadre guarantees each registered entity, and the regulator who supports the visits. A
    row must keep the hard rules the assignment engine keeps (docs/domain.md §4.4): an active cadre of the level the
    entity's grade calls for, whose region contains the entity's, within the cadre's workload."""

    spec = ASSIGNMENTS
    early_writes = False  # its plan puts the run the rows belong to first, after checking them all

    def prepare(self):
        super().prepare()
        rows = self.sheet.rows
        ids = (r.get(key) for r in rows for key in ("cadre_id_number", "supporter_id_number"))
        # cadres of the jurisdiction and of the regions above it: a city leader guarantees A-grade entities in a county
        self.cadres = {
            number: cadre
            for number, cadre in lookup(Cadre.objects.all(), "id_number", ids).items()
            if cadre.region_id.startswith(self.scope) or self.scope.startswith(cadre.region_id)
        }
        entities = self.named_entities()
        self.grades = baobao_grades(entities)  # entity pk -> 包保 grade ("" = not graded)
        self.current: dict[int, Guarantee] = {}
        for chunk in chunked(entities):
            # the run's pk only: apply records the run a guarantee leaves, and the run's JSON can be large
            current = (
                Guarantee.objects.filter(entity_id__in=chunk)
                .select_related("run")
                .only("cadre", "supporter", "since", "run__id")
            )
            self.current.update((g.entity_id, g) for g in current)
        # A cadre's load once the file is in: its guarantees of entities the file does not name, plus its good rows.
        # (With skip_invalid, an entity whose row is refused keeps its old cadre, who may end one over the limit.)
        self.load = Counter()
        for chunk in chunked({cadre.pk for cadre in self.cadres.values()}):
            counts = Guarantee.objects.filter(cadre_id__in=chunk).values_list("cadre_id").annotate(n=Count("pk"))
            self.load.update(dict(counts.order_by()))
        self.load.subtract(g.cadre_id for g in self.current.values())
        regions = {e.region_id for e in entities.values()} | {c.region_id for c in self.cadres.values()}
        self.policies = policies_for(regions)
        self.seen: dict[int, int] = {}  # entity pk -> first row naming it
        self.province = ""  # the one province of a file imported by an account above the provinces
        self.today = timezone.localdate()
        self.run = AssignmentRun(
            status=AssignmentRun.Status.PUBLISHED,
            params={"source": "ledger", "batch": self.sheet.filename},
            created_by=self.actor,
            published_by=self.actor,
            published_at=timezone.now(),
        )
        self.duplicates(["entity_uscc", "entity_license"])

    def plan(self, progress: Callable[[int], None] = lambda n: None, early=None) -> Plan:
        """The guarantees a file writes belong to one published run (Guarantee.run is required), made only when the
        file changes something and listed as its first change, so ``apply`` saves it before the guarantees that
        point to it and a rollback deletes it after restoring them. The run is set on each new guarantee instead
        of being passed as a parent in ``Change.fields``: ``apply`` records no child of a parent it created, and
        a rollback could then not delete those guarantees, nor (PROTECT) their run. Nothing is written early
        (``early_writes``): the run comes first."""
        plan = super().plan(progress)
        if plan.changes:
            self.run.region_id = self.actor.region_id or self.province
            plan.changes.insert(0, Change(FILE_ROW, self.run, created=True))
        return plan

    def _cadre(self, row: Row, key: str, name_key: str) -> Cadre | None:
        """The active cadre a row names by ID number, cross-checked by name."""
        id_number = self.check(row, key)
        if not id_number:
            return None
        cadre = self.cadres.get(id_number)
        if cadre is None:
            self.error(row, key, "reference", _("包保干部台账中没有该身份证号，或该干部不在您的管辖范围内。"))
            return None
        if cadre.status != Cadre.Status.ACTIVE:
            self.error(row, key, "reference", _("%(name)s 已离岗，不能再承担包保。") % {"name": cadre.name})
        name = row.get(name_key)
        if name and choice_text(name) != choice_text(cadre.name):
            message = _("姓名与包保干部台账不一致（台账为“%(name)s”）。") % {"name": cadre.name}
            self.error(row, name_key, "mismatch", message)
        return cadre

    def _check_entity(self, row: Row, entity: Entity) -> None:
        key = "entity_uscc" if row.get("entity_uscc") else "entity_license"
        first = self.seen.setdefault(entity.pk, row.number)
        if first != row.number:  # one row names it by USCC, the other by licence: `duplicates` compares cells
            self.error(row, key, "duplicate", _("与第 %(row)d 行是同一主体。") % {"row": first})
        if entity.status == Entity.Status.DEREGISTERED:
            self.error(row, key, "reference", _("该主体已注销，不再安排包保。"))
        if not self.actor.region_id:  # the file's run covers one region
            self.province = self.province or ancestor(entity.region_id, PROVINCE)
            if not entity.region_id.startswith(self.province):
                self.error(row, key, "region", _("一个文件只能导入一个省的包保关系，请按省分别导入。"))
        grade, registered = row.get("grade"), self.grades.get(entity.pk)
        if grade and registered and grade != registered:
            message = _("包保等级与主体台账不一致（主体台账为 %(grade)s 级）。") % {"grade": registered}
            self.error(row, "grade", "mismatch", message)

    def _check_pair(self, row: Row, entity: Entity, cadre: Cadre) -> None:
        """The cadre's level is the one the policy in force where the entity is gives its grade, and the cadre's
        region contains the entity's."""
        grade = self.grades.get(entity.pk) or row.get("grade")
        if not grade:
            return
        wanted = self.policies[entity.region_id].level_for_grade.get(grade)
        if cadre.level != wanted:
            levels = dict(CadreLevel.choices)
            message = _("%(grade)s 级主体应由%(wanted)s干部包保，该干部为%(level)s。") % {
                "grade": grade,
                "wanted": levels.get(wanted, wanted),
                "level": levels.get(cadre.level, cadre.level),
            }
            self.error(row, "cadre_id_number", "level", message)
        elif not entity.region_id.startswith(cadre.region_id):
            message = _("主体所在区划 %(entity)s 不在该干部的包保区划 %(cadre)s 内。") % {
                "entity": entity.region_id,
                "cadre": cadre.region_id,
            }
            self.error(row, "cadre_id_number", "region", message)

    def _limit(self, cadre: Cadre) -> int | None:
        """How many entities the cadre may guarantee: its own limit, else the policy's for its level."""
        if cadre.capacity is not None:
            return cadre.capacity
        return self.policies[cadre.region_id].capacity.get(cadre.level)

    def check_row(self, row: Row) -> list[Change]:
        entity = self.entity(row)
        cadre = self._cadre(row, "cadre_id_number", "cadre_name")
        supporter = self._cadre(row, "supporter_id_number", "supporter_name")
        if supporter is not None and not supporter.is_regulator:
            message = _("%(name)s 在包保干部台账中不是监管人员，不能作为监管保障。") % {"name": supporter.name}
            self.error(row, "supporter_id_number", "reference", message)
        if entity is not None:
            self._check_entity(row, entity)
            if cadre is not None:
                self._check_pair(row, entity, cadre)
        if row.number in self.failed_rows:
            return []
        limit = self._limit(cadre)
        if limit is not None and self.load[cadre.pk] >= limit:
            message = _("超过包保上限：该干部最多包保 %(limit)d 户，本行为第 %(n)d 户。") % {
                "limit": limit,
                "n": self.load[cadre.pk] + 1,
            }
            self.error(row, "cadre_id_number", "capacity", message)
            return []
        self.load[cadre.pk] += 1
        supporter_id = supporter.pk if supporter else None
        since = row.get("since") or self.today
        current = self.current.get(entity.pk)
        if current is None:
            guarantee = Guarantee(entity=entity, cadre=cadre, supporter_id=supporter_id, run=self.run, since=since)
            return [Change(row.number, guarantee, created=True)]
        fields = self.diff(current, {"cadre_id": cadre.pk, "supporter_id": supporter_id})
        if not fields:
            return []
        if "cadre_id" in fields:  # the start date moves with the cadre only
            fields["since"] = since
        return [Change(row.number, current, {**fields, "run": self.run})]
