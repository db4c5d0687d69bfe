"""The public search (docs/portal.md §2): one box for a business's name, address or USCC, no login.

The query is only ever a bound parameter: a search with SQL or `<script>` fragments is just text that matches no
business (the page escapes it on the way out). The strategy is picked from what was typed so that each search
stays on an index at province scale (1.06M businesses): a letter-digit code is a USCC prefix (the
`entity_uscc_prefix` b-tree), anything else a substring of the name or the address (the `pg_trgm` GIN indexes
`entity_name_trgm` and `portal`'s `entity_address_trgm` on PostgreSQL; SQLite scans). Only the first
`portal.search_results` matches are read (no ORDER BY over all matches: a common word would sort thousands) and
sorted by name in Python; the page says when there were more. Deregistered (注销) businesses are not listed."""

import re
from dataclasses import dataclass, field

from django.db.models import Q

from shian.core import rules
from shian.entities.models import Entity

from ..ruledefs import SEARCH_MIN_CHARS, SEARCH_RESULTS
from . import ratings

_USCC = re.compile(r"^(?=.*[0-9])[0-9A-Z]{2,18}$")
MAX_CHARS = 50
# What a public page may show of a business (no person, no contact, no internal grade).
PUBLIC_FIELDS = ("id", "name", "uscc", "address", "business_type", "sub_type", "status", "region_id",
                 "region__name", "longitude", "latitude", "updated_at")  # fmt: skip


@dataclass
class Result:
    query: str = ""
    rows: list = field(default_factory=list)
    more: bool = False
    message: str = ""


def public_entities():
    return Entity.objects.exclude(status=Entity.Status.DEREGISTERED)


def clean(text: str) -> str:
    """The query as searched: whitespace trimmed and collapsed, at most MAX_CHARS characters, no control chars."""
    text = "".join(ch for ch in (text or "") if ch.isprintable())
    return " ".join(text.split())[:MAX_CHARS]


def condition(q: str) -> Q:
    code = q.replace(" ", "").upper()
    if _USCC.match(code):
        return Q(uscc__startswith=code)
    return Q(name__contains=q) | Q(address__contains=q)


def search(text: str, *, region: str = "") -> Result:
    from django.utils.translation import gettext as _

    q = clean(text)
    result = Result(query=q)
    if not q:
        return result
    if len(q) < rules.value(SEARCH_MIN_CHARS.code):
        result.message = _("请至少输入 %(n)d 个字。") % {"n": rules.value(SEARCH_MIN_CHARS.code)}
        return result
    size = rules.value(SEARCH_RESULTS.code)
    qs = public_entities().filter(condition(q))
    if region:
        qs = qs.filter(region_id__gte=region, region_id__lte=region.ljust(12, "9"))
    rows = list(qs.select_related("region").only(*PUBLIC_FIELDS).order_by()[: size + 1])
    result.more = len(rows) > size
    rows = sorted(rows[:size], key=lambda e: (e.name, e.pk))
    latest = ratings.latest_of([e.pk for e in rows])
    for e in rows:
        e.latest = latest.get(e.pk)
    result.rows = rows
    if not rows:
        result.message = _("没有找到与“%(q)s”相符的单位。请检查名称、地址或统一社会信用代码。") % {"q": q}
    return result
