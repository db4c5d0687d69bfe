"""Running the rules and the clock (docs/warnings.md §2, §3): every current rule over its kind's query; a hit whose
rule and scope key already have an open warning inside the window merges into it (one more hit, the new records
added to its evidence), else it raises a warning routed to the owning office; then every overdue step escalates
once to the level above. Running twice at one instant raises, merges and escalates nothing the second time."""

import datetime
from collections import Counter

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core import audit, workdays
from shian.core.deadlinechecks import Told, mark_each
from shian.core.services import notify

from .. import signals
from ..models import RiskWarning, WarningRule
from ..ruledefs import ACK_DAYS
from ..signals.base import CHUNK
from .routing import above, office_users, route


def _key(e: dict) -> tuple:
    """What makes an evidence entry new: its record and, for a recurring fact about one record (a 包保 visit missed
    in a quarter), its period."""
    return e["model"], e["pk"], e.get("period", "")


def _keys(evidence: list[dict]) -> set[tuple]:
    return {_key(e) for e in evidence}


def apply_hit(rule: WarningRule, hit: signals.Hit, at: datetime.datetime) -> str:
    """'raised', 'merged' or '' (nothing new) for one hit."""
    with transaction.atomic():
        latest = (RiskWarning.objects.select_for_update().filter(rule_code=rule.code, scope_key=hit.scope_key)
                  .order_by("-last_seen_at", "-pk").first())  # fmt: skip
        seen = _keys(latest.evidence if latest else [])
        new = [e for e in hit.evidence if _key(e) not in seen]
        if latest is not None and not new:
            return ""
        window = datetime.timedelta(days=rule.window_days)
        if latest is not None and latest.state != RiskWarning.State.CLOSED and latest.last_seen_at >= at - window:
            latest.evidence = latest.evidence + new
            latest.hits += 1
            latest.last_seen_at = at
            latest.save(update_fields=["evidence", "hits", "last_seen_at"])
            audit.record(actor=None, action="warnings.merge", obj=latest, region_code=latest.region_id,
                         after={"hits": latest.hits, "new_evidence": new})  # fmt: skip
            return "merged"
        office, station = route(hit.region_code)
        due = workdays.compute_due(rule_code=ACK_DAYS.code, start=at, region_code=hit.region_code).due_at
        warning = RiskWarning.objects.create(
            rule=rule, rule_code=rule.code, level=rule.level, scope_key=hit.scope_key, label=hit.label[:300],
            region_id=hit.region_code, office_id=office, station=station, entity_id=hit.entity_id,
            evidence=hit.evidence, raised_at=at, last_seen_at=at, step_due=due, ack_due=due,
        )  # fmt: skip
        audit.record(actor=None, action="warnings.raise", obj=warning, region_code=warning.region_id,
                     after={"rule": rule.code, "version": rule.version, "level": rule.level, "office": office,
                            "evidence": len(hit.evidence)})  # fmt: skip
        notify(users=office_users(office, station.pk if station else None),
               text=_("%(l)s预警：%(t)s，请签收并核查。") % {"l": warning.get_level_display(), "t": warning.label},
               url=reverse("warnings:warning_detail", args=[warning.pk]), kind="warnings.raised", group=office,
               group_text=_("%(n)d 条风险预警"), group_url=reverse("warnings:warning_list"))  # fmt: skip
        return "raised"


class _Memo:
    """What every warning of one run shares by region: the office it routes to, the office's accounts and the first
    step's deadline (one query each per region, not per warning)."""

    def __init__(self, at: datetime.datetime):
        self.at = at
        self.routes: dict[str, tuple] = {}
        self.users: dict[tuple, list] = {}
        self.dues: dict[str, datetime.datetime] = {}

    def route(self, region_code: str) -> tuple:
        if region_code not in self.routes:
            self.routes[region_code] = route(region_code)
        return self.routes[region_code]

    def office_users(self, office: str, station) -> list:
        key = (office, station.pk if station else None)
        if key not in self.users:
            self.users[key] = office_users(*key)
        return self.users[key]

    def due(self, region_code: str) -> datetime.datetime:
        if region_code not in self.dues:
            self.dues[region_code] = workdays.compute_due(rule_code=ACK_DAYS.code, start=self.at,
                                                          region_code=region_code).due_at  # fmt: skip
        return self.dues[region_code]


def raise_many(rule: WarningRule, hits: list[signals.Hit], at: datetime.datetime, memo: _Memo) -> int:
    """Raise a warning for each hit whose scope key has no warning yet, CHUNK at a time: the warnings, their audit
    entries and the offices' notifications written with a few bulk inserts per chunk instead of a few queries per
    warning (a cold backlog). The same rows as `apply_hit` raising them one by one."""
    raised = 0
    for i in range(0, len(hits), CHUNK):
        chunk = hits[i : i + CHUNK]
        with transaction.atomic():
            warnings = []
            for hit in chunk:
                office, station = memo.route(hit.region_code)
                warnings.append(RiskWarning(
                    rule=rule, rule_code=rule.code, level=rule.level, scope_key=hit.scope_key, label=hit.label[:300],
                    region_id=hit.region_code, office_id=office, station=station, entity_id=hit.entity_id,
                    evidence=hit.evidence, raised_at=at, last_seen_at=at, step_due=memo.due(hit.region_code),
                    ack_due=memo.due(hit.region_code),
                ))  # fmt: skip
            warnings = RiskWarning.objects.bulk_create(warnings)
            told = Told()
            for warning, hit in zip(warnings, chunk, strict=True):
                told.audit(action="warnings.raise", obj=warning, region_code=warning.region_id,
                           after={"rule": rule.code, "version": rule.version, "level": rule.level,
                                  "office": warning.office_id, "evidence": len(hit.evidence)})  # fmt: skip
                told.notify(users=memo.office_users(warning.office_id, warning.station),
                            text=_("%(l)s预警：%(t)s，请签收并核查。") % {"l": warning.get_level_display(),
                                                                     "t": warning.label},
                            url=reverse("warnings:warning_detail", args=[warning.pk]), kind="warnings.raised",
                            group=warning.office_id, group_text=_("%(n)d 条风险预警"),
                            group_url=reverse("warnings:warning_list"))  # fmt: skip
            told.flush()
            raised += len(warnings)
    return raised


def _latest(rule: WarningRule, keys: list[str]) -> dict[str, RiskWarning]:
    """The newest warning of `rule` per scope key, for every hit at once (a few queries per rule)."""
    latest: dict[str, RiskWarning] = {}
    keys = sorted(set(keys))
    for i in range(0, len(keys), CHUNK):
        rows = (RiskWarning.objects.filter(rule_code=rule.code, scope_key__in=keys[i : i + CHUNK])
                .order_by("scope_key", "-last_seen_at", "-pk").only("scope_key", "evidence"))  # fmt: skip
        for w in rows:
            latest.setdefault(w.scope_key, w)
    return latest


def escalate_overdue(at: datetime.datetime) -> int:
    """Mark each open warning whose step is past due (once per step) and tell the level above."""
    qs = RiskWarning.objects.exclude(state=RiskWarning.State.CLOSED).filter(step_due__lt=at)

    def tell(w, told):
        up = above(w.office_id)
        RiskWarning.objects.filter(pk=w.pk).update(escalated_to=up)
        told.notify(users=office_users(up) if up else [],
                    text=_("风险预警逾期未处理（%(s)s）：%(t)s") % {"s": w.get_state_display(), "t": w.label},
                    url=reverse("warnings:warning_detail", args=[w.pk]), kind="warnings.escalated")  # fmt: skip
        told.audit(action="warnings.escalate", obj=w, region_code=w.region_id,
                   after={"state": w.state, "due": w.step_due.isoformat(), "to": up})  # fmt: skip

    return mark_each(qs, field="overdue_at", now=at, tell=tell, related=())


def run(*, at: datetime.datetime | None = None, prefix: str = "", kinds: set[str] | None = None,
        escalate: bool = True, batch: bool = True) -> dict[str, int]:  # fmt: skip
    """Every current, active rule (of `kinds`, over regions under `prefix`) at `at`, then the escalation. With
    `batch`, the hits of a scope key seen for the first time (no warning yet, one hit) are raised in bulk
    (`raise_many`); the others, which may merge, go one by one through `apply_hit`, in order."""
    at = at or timezone.now()
    counts = {"rules": 0, "raised": 0, "merged": 0, "escalated": 0}
    memo = _Memo(at)
    rules = WarningRule.objects.filter(is_current=True, active=True).order_by("code")
    for rule in rules:
        spec = signals.KINDS.get(rule.kind)
        if spec is None or (kinds is not None and rule.kind not in kinds):
            continue
        counts["rules"] += 1
        hits = spec.detect(rule, at, prefix)
        latest = _latest(rule, [h.scope_key for h in hits])
        if batch:
            seen = Counter(h.scope_key for h in hits)
            fresh = [h for h in hits if h.scope_key not in latest and seen[h.scope_key] == 1]
            counts["raised"] += raise_many(rule, fresh, at, memo)
            hits = [h for h in hits if h.scope_key in latest or seen[h.scope_key] > 1]
        for hit in hits:
            known = latest.get(hit.scope_key)
            if known is not None and not (_keys(hit.evidence) - _keys(known.evidence)):
                continue  # nothing new: no lock, no write (most hits of a daily run)
            outcome = apply_hit(rule, hit, at)
            if outcome:
                counts[outcome] += 1
    if escalate:
        counts["escalated"] = escalate_overdue(at)
    return counts
