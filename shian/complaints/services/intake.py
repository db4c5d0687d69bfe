"""Intake (docs/complaints.md §2): an item typed in by a clerk (hotline, visit), sent from the public form, or read
from a 12315/12345 export, validated the same way (`clean`), routed by territory (services.routing), numbered
(受理编号 + a lookup code the citizen uses with it), linked to the item it repeats, and put on the clock:

- a complaint must be accepted or refused within `complaint.accept` working days of receipt;
- a report's clue checked and the filing decided within `report.check` working days of receipt.

`create_items` writes a whole validated batch in a few bulk statements (one audit entry per batch); `receive` is
one item through the same path."""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import Role
from shian.core import audit, rules
from shian.core.bulk import chunked
from shian.core.jurisdiction import require_in_scope, scope_prefix
from shian.core.models import DeadlineRule
from shian.core.regioncodes import COUNTY, ancestor, prefixes
from shian.core.workdays import compute_due
from shian.entities.validators import validate_phone, validate_resident_id, validate_uscc

from ..models import Category, Complaint
from ..ruledefs import ACCEPT, CHECK, DUPLICATE_DAYS
from .routing import Route, Routing, fold_name

CLOCK_SKEW = datetime.timedelta(minutes=10)
FACTS_MAX = 2000
INTAKE_ROLES = {Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.STATION_STAFF}
TEXT_LIMITS = {"entity_name": 200, "entity_address": 300, "informant_name": 50, "source_number": 40}
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def require_clerk(actor) -> None:
    if not (actor.is_superuser or actor.role in INTAKE_ROLES):
        raise PermissionDenied(_("只有市场监管部门工作人员可以登记投诉举报。"))


def facts_key(facts: str) -> str:
    """The facts folded (width, case, spaces and punctuation dropped) and hashed: equal keys are the same facts."""
    text = _PUNCT.sub("", unicodedata.normalize("NFKC", facts or "").lower())
    return hashlib.sha1(text.encode()).hexdigest()


def _label(field: str) -> str:
    return str(Complaint._meta.get_field(field).verbose_name)


def clean(values: dict, *, now: datetime.datetime | None = None) -> tuple[dict, dict]:
    """One item's values checked and normalised: (cleaned, errors by field). Nothing is looked up."""
    now = now or timezone.now()
    out, errors = {}, {}
    kind = values.get("kind") or ""
    if kind not in Complaint.Kind.values:
        errors["kind"] = [_("类型应为投诉或举报。")]
    out["kind"] = kind
    channel = values.get("channel") or ""
    if channel not in Complaint.Channel.values:
        errors["channel"] = [_("来源渠道无效。")]
    out["channel"] = channel
    category = values.get("category") or ""
    if category not in Category.values:
        errors["category"] = [
            _("未知的食品类别“%(value)s”。") % {"value": category} if category else _("请选择食品类别。")
        ]
    out["category"] = category
    facts = str(values.get("facts") or "").replace("\x00", "").strip()
    if not facts:
        errors["facts"] = [_("请填写诉求内容。")]
    elif len(facts) > FACTS_MAX:
        errors["facts"] = [_("诉求内容不能超过 %(n)d 个字。") % {"n": FACTS_MAX}]
    out["facts"] = facts
    for field, limit in TEXT_LIMITS.items():
        text = str(values.get(field) or "").replace("\x00", "").strip()
        if len(text) > limit:
            errors[field] = [_("%(field)s不能超过 %(n)d 个字。") % {"field": _label(field), "n": limit}]
        out[field] = text
    uscc = str(values.get("entity_uscc") or "").strip().upper()
    if uscc:
        try:
            uscc = validate_uscc(uscc, allow_checksum_override=True)
        except ValidationError as exc:
            errors["entity_uscc"] = exc.messages
    out["entity_uscc"] = uscc
    if not (out["entity_name"] or uscc or out["entity_address"] or values.get("entity_id")):
        errors["entity_name"] = [_("请填写被投诉举报单位的名称、统一社会信用代码或地址。")]
    anonymous = bool(values.get("anonymous"))
    phone = str(values.get("phone") or "").strip()
    id_number = str(values.get("id_number") or "").strip().upper()
    if anonymous:
        if kind == Complaint.Kind.COMPLAINT:
            errors["anonymous"] = [_("投诉须留下投诉人姓名和联系电话；匿名只能举报。")]
        out.update(informant_name="", phone="", id_number="")
    else:
        if phone:
            try:
                phone = validate_phone(phone)
            except ValidationError as exc:
                errors["phone"] = exc.messages
        if id_number:
            try:
                id_number = validate_resident_id(id_number, today=timezone.localdate(now))
            except ValidationError as exc:
                errors["id_number"] = exc.messages
        if not out["informant_name"]:
            errors["informant_name"] = [_("请填写投诉举报人姓名（匿名举报请勾选“匿名”）。")]
        if not phone and "phone" not in errors:
            errors["phone"] = [_("请填写联系电话。")]
        out.update(phone=phone, id_number=id_number)
    out["anonymous"] = anonymous
    received_at = values.get("received_at")
    if isinstance(received_at, datetime.date) and not isinstance(received_at, datetime.datetime):
        received_at = datetime.datetime.combine(received_at, datetime.time(9, 0))
    if not isinstance(received_at, datetime.datetime):
        errors["received_at"] = [_("请填写收到时间。")]
    else:
        if timezone.is_naive(received_at):
            received_at = timezone.make_aware(received_at)
        if received_at > now + CLOCK_SKEW:
            errors["received_at"] = [_("收到时间不能晚于当前时间。")]
    out["received_at"] = received_at
    out["entity_id"] = values.get("entity_id")
    return out, errors


# -- numbers --------------------------------------------------------------------------------------------------


class Numbers:
    """受理编号 per county and year: TS (投诉) or JB (举报) + year + county + a 6-digit sequence."""

    def __init__(self):
        self.last: dict[str, int] = {}

    def next(self, kind: str, region_code: str, when: datetime.datetime) -> str:
        county = ancestor(region_code, COUNTY) or region_code
        prefix = f"{'TS' if kind == Complaint.Kind.COMPLAINT else 'JB'}{timezone.localtime(when).year}{county}"
        if prefix not in self.last:
            last = (
                Complaint.objects.filter(number__startswith=prefix).order_by("-number")
                .values_list("number", flat=True).first()
            )  # fmt: skip
            self.last[prefix] = int(last[len(prefix) :]) if last else 0
        self.last[prefix] += 1
        return f"{prefix}{self.last[prefix]:06d}"


def lookup_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


# -- the clock ------------------------------------------------------------------------------------------------


class Clock:
    """`compute_due` remembered per rule, day and the region the rule store resolves it for: the rule in force
    depends only on the longest of the region's prefixes that has rows for the code (national when none has), so
    a batch of 20,000 items over a year computes a few hundred deadlines, not one per item."""

    def __init__(self):
        self.memo: dict = {}
        self.prefixes: dict[str, set[str]] = {}

    def _region(self, code: str, region_code: str) -> str:
        if code not in self.prefixes:
            rows = DeadlineRule.objects.filter(code=code).values_list("region_prefix", flat=True).distinct()
            self.prefixes[code] = set(rows)
        known = self.prefixes[code]
        return next((p for p in reversed(prefixes(region_code)) if p in known), "")

    def due(self, code: str, start: datetime.datetime, region_code: str):
        found = None
        key = (code, timezone.localtime(start).date(), self._region(code, region_code))
        found = self.memo.get(key)
        if found is None:
            found = compute_due(rule_code=code, start=start, region_code=key[2])
            if found.rule.get("unit") == "h":  # hours run from the instant itself
                return found
            self.memo[key] = found
        return found


def start_clock(item: Complaint, start: datetime.datetime, clock: Clock | None = None) -> None:
    """The first step's due instant from `start` (receipt here, or receipt of a transfer)."""
    clock = clock or Clock()
    item.clock_started_at = start
    if item.kind == Complaint.Kind.COMPLAINT:
        due = clock.due(ACCEPT, start, item.region_id)
        item.accept_due, item.check_due = due.due_at, None
        item.due_rules = {**item.due_rules, "accept": due.rule}
    else:
        due = clock.due(CHECK, start, item.region_id)
        item.check_due, item.accept_due = due.due_at, None
        item.due_rules = {**item.due_rules, "check": due.rule}
    item.due_at, item.overdue_at, item.escalated_at = due.due_at, None, None


# -- duplicates -----------------------------------------------------------------------------------------------


@dataclass
class _Seen:
    pk_or_item: object
    received_at: datetime.datetime


def _entity_key(item: Complaint) -> str:
    return f"e{item.entity_id}" if item.entity_id else f"n{fold_name(item.entity_name)}"


def link_duplicates(items: list[Complaint], region_prefix: str) -> int:
    """Set `duplicate_of` on each item that repeats an earlier one (same entity, same facts, within
    `complaints.duplicate_days` calendar days), earlier items of the batch included; returns how many. A duplicate
    is kept and linked but has no clock of its own."""
    if not items:
        return 0
    window = datetime.timedelta(days=rules.value(DUPLICATE_DAYS.code, region_prefix))
    earliest = min(i.received_at for i in items) - window
    keys = {i.facts_key for i in items}
    seen: dict[tuple, list] = {}
    for chunk in chunked(keys):
        stored = Complaint.objects.filter(facts_key__in=chunk, received_at__gte=earliest, duplicate_of__isnull=True)
        for pk, entity_id, name, key, at in stored.values_list("pk", "entity_id", "entity_name", "facts_key",
                                                               "received_at"):  # fmt: skip
            ek = f"e{entity_id}" if entity_id else f"n{fold_name(name)}"
            seen.setdefault((ek, key), []).append((at, pk))
    linked = 0
    for item in sorted(items, key=lambda i: i.received_at):
        bucket = seen.setdefault((_entity_key(item), item.facts_key), [])
        original = next((o for at, o in sorted(bucket, key=lambda p: p[0])
                         if abs(item.received_at - at) <= window), None)  # fmt: skip
        if original is None:
            bucket.append((item.received_at, item))
            continue
        item.duplicate_of_id = original if isinstance(original, int) else None
        item._original = original  # an item of this batch: linked once it has a primary key
        item.status, item.due_at, item.accept_due, item.check_due = Complaint.Status.DUPLICATE, None, None, None
        linked += 1
    return linked


# -- writing --------------------------------------------------------------------------------------------------


_TEMPLATE: dict | None = None


def build(cleaned: dict, route: Route, *, actor=None, client_ip=None) -> Complaint:
    """A new, unsaved item from cleaned values and its route. Built from a template of the defaults rather than
    through Model.__init__ (a third of a 20,000-row import's time otherwise); mutable defaults are fresh."""
    global _TEMPLATE
    if _TEMPLATE is None:
        _TEMPLATE = {k: v for k, v in Complaint().__dict__.items() if k != "_state"}
    values = {k: v for k, v in cleaned.items() if k != "entity_id"}
    item = Complaint.__new__(Complaint)
    item.__dict__.update(_TEMPLATE)
    item.__dict__.update(
        values, entity_id=route.entity_id, match=route.match, region_id=route.region_code,
        station_id=route.station_id, facts_key=facts_key(cleaned["facts"]), lookup_code=lookup_code(),
        created_by_id=actor.pk if getattr(actor, "is_authenticated", False) else None, client_ip=client_ip,
        due_rules={}, late_steps=[],
    )  # fmt: skip
    item._state = ModelState()
    return item


def _insert(items: list[Complaint]) -> None:
    """A multi-row INSERT … RETURNING per chunk, each column adapted by a converter chosen once per column (the
    engine's `insert_many` prepares each value through its field: most of a large import's time)."""
    opts, now = Complaint._meta, timezone.now()
    fields = [f for f in opts.local_concrete_fields if not f.primary_key]
    adapt_dt = connection.ops.adapt_datetimefield_value

    def converter(field):
        if isinstance(field, models.DateTimeField):
            return adapt_dt
        if isinstance(field, models.JSONField | models.GenericIPAddressField):
            return lambda value: field.get_db_prep_save(value, connection)
        return None

    plan = [(f.attname, converter(f)) for f in fields]
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        for chunk in chunked(items, max(1, 30000 // len(fields))):
            params = []
            for item in chunk:
                item.created_at = item.created_at or now
                values = item.__dict__
                params += [convert(values[name]) if convert else values[name] for name, convert in plan]
            cursor.execute(head + ", ".join([placeholder] * len(chunk)) + f" RETURNING {quote(opts.pk.column)}", params)
            for item, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                item.pk = pk
                item._state.adding, item._state.db = False, connection.alias


def create_items(items: list[Complaint], *, actor, action: str, region_code: str, extra: dict | None = None,
                 before_insert=None) -> int:  # fmt: skip
    """Number, clock, link and insert a validated batch (each item built by `build`), then one audit entry.
    `before_insert(items, clock)` may move the items on before they are written (the demo's history). Returns the
    count of linked duplicates. Call inside a transaction."""
    numbers, clock = Numbers(), Clock()
    for item in items:
        start_clock(item, item.received_at, clock)
    linked = link_duplicates(items, region_code)
    if before_insert is not None:
        before_insert(items, clock)
    for item in sorted(items, key=lambda i: (i.received_at, i.source_number)):
        item.number = numbers.next(item.kind, item.region_id, item.received_at)
    _insert(items)
    late = [i for i in items if getattr(i, "_original", None) is not None and not isinstance(i._original, int)]
    for item in late:
        item.duplicate_of_id = item._original.pk
    if late:
        Complaint.objects.bulk_update(late, ["duplicate_of"], batch_size=500)
    routed: dict[str, int] = {}
    for item in items:
        routed[item.region_id] = routed.get(item.region_id, 0) + 1
    if len(items) == 1:
        item = items[0]
        audit.record(actor=actor, action=action, obj=item, region_code=item.region_id,
                     after=audit.snapshot(item, AUDITED))  # fmt: skip
    else:
        audit.record(actor=actor, action=action, object_type="complaints.complaint", region_code=region_code,
                     after={"created": len(items), "linked_duplicates": linked, "routed": routed, **(extra or {})})  # fmt: skip
    return linked


AUDITED = ["number", "kind", "channel", "category", "region_id", "station_id", "entity_id", "match", "entity_name",
           "anonymous", "phone", "id_number", "received_at", "status", "accept_due", "check_due",
           "duplicate_of_id", "source_number"]  # fmt: skip


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def receive(*, actor, kind: str, channel: str, facts: str, category: str, received_at, entity_name: str = "",
            entity_uscc: str = "", entity_address: str = "", entity_id: int | None = None, anonymous: bool = False,
            informant_name: str = "", phone: str = "", id_number: str = "", source_number: str = "") -> Complaint:  # fmt: skip
    """A clerk registers one item (hotline, visit, a letter): validated, routed inside the clerk's jurisdiction
    (a fuzzy entity match waits for the clerk's confirmation), numbered and put on the clock."""
    require_clerk(actor)
    cleaned, errors = clean(dict(locals()))
    if channel in (Complaint.Channel.PORTAL,):
        errors["channel"] = [_("网上投诉举报请由公众通过网上表单提交。")]
    _raise(errors)
    scope = scope_prefix(actor)
    if not scope:
        raise ValidationError({"region": [_("您的账号没有管辖区划，无法确定承办单位。")]})
    routing = Routing(within=scope)
    routing.prepare([cleaned])
    route = routing.route(entity_name=cleaned["entity_name"], entity_uscc=cleaned["entity_uscc"],
                          entity_address=cleaned["entity_address"], entity_id=entity_id)  # fmt: skip
    if entity_id is not None and route.entity_id is None:
        raise ValidationError({"entity": [_("主体不存在或不在您的管辖范围内。")]})
    require_in_scope(actor, route.region_code)
    item = build(cleaned, route, actor=actor)
    create_items([item], actor=actor, action="complaint.receive", region_code=route.region_code)
    return item
