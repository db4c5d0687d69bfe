"""What every rule kind shares (docs/warnings.md §1): each a small function over one set-based query (grouped counts, then the
evidence of the groups that reach the threshold), so a province's daily events cost a few queries per rule.

A kind declares its parameters (name → (minimum, maximum, default)) and the scopes it may run at; `validate`
refuses an unknown parameter, a value out of range or a scope the kind does not support with a clear message."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass
class Hit:
    """One scope where a rule fires: its key (the merge key), the region that owns it, and the records."""

    scope_key: str
    region_code: str
    label: str
    evidence: list[dict] = field(default_factory=list)
    entity_id: int | None = None


@dataclass(frozen=True)
class KindSpec:
    params: dict[str, tuple[int, int, int]]  # name -> (minimum, maximum, default)
    scopes: tuple[str, ...]
    detect: Callable  # (rule, at: datetime.datetime, region_prefix: str) -> list[Hit]
    events: tuple[str, ...] = ()  # the events that trigger it (sample, complaint)


KINDS: dict[str, KindSpec] = {}
MAX_WINDOW_DAYS = 3660  # ten years: a longer window is surely a typing error


def register(kind: str, spec: KindSpec) -> None:
    KINDS[kind] = spec


def item(obj, label: str) -> dict:
    """A stored evidence entry: the model, the primary key and a short label."""
    return {"model": obj._meta.label_lower, "pk": obj.pk, "label": str(label)[:120]}


CHUNK = 2000  # keys per IN list: a few queries for a province's hits, within every database's parameter limit


def grouped_rows(qs, field: str, keys, order: tuple[str, ...] = ("pk",)) -> dict:
    """The rows of `qs` whose `field` is one of `keys`, grouped by it: the evidence of every firing group in one
    query per CHUNK keys rather than one query per hit."""
    out: dict = {}
    keys = sorted(set(keys))
    for i in range(0, len(keys), CHUNK):
        for row in qs.filter(**{f"{field}__in": keys[i : i + CHUNK]}).order_by(field, *order):
            out.setdefault(getattr(row, field), []).append(row)
    return out


def window_start(rule, at: datetime.datetime) -> datetime.datetime:
    return at - datetime.timedelta(days=rule.window_days)


def validate(*, kind: str, scope: str, window_days, params) -> dict:
    """The parameters with defaults filled in, or ValidationError naming what is wrong."""
    spec = KINDS.get(kind)
    if spec is None:
        raise ValidationError(_("未知的预警规则类型“%(k)s”。") % {"k": kind})
    if scope not in spec.scopes:
        raise ValidationError(_("“%(k)s”类规则的预警范围只能是：%(s)s。") % {"k": kind, "s": "、".join(spec.scopes)})
    if isinstance(window_days, bool) or not isinstance(window_days, int) or not 1 <= window_days <= MAX_WINDOW_DAYS:
        raise ValidationError(_("时间窗“%(w)s”无效：应为 1 到 %(m)d 之间的整数天数。") % {"w": window_days,
                                                                                   "m": MAX_WINDOW_DAYS})  # fmt: skip
    if not isinstance(params, dict):
        raise ValidationError(_("规则参数应为 JSON 对象。"))
    unknown = sorted(set(params) - set(spec.params))
    if unknown:
        raise ValidationError(_("规则参数“%(f)s”不是“%(k)s”类规则的字段（可用字段：%(a)s）。") % {
            "f": "、".join(unknown), "k": kind, "a": "、".join(spec.params)})  # fmt: skip
    clean = {}
    for name, (low, high, default) in spec.params.items():
        value = params.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValidationError(_("规则参数“%(f)s”的值“%(v)s”无效：应为 %(lo)d 到 %(hi)d 之间的整数。") % {
                "f": name, "v": value, "lo": low, "hi": high})  # fmt: skip
        clean[name] = value
    return clean
