"""The entity search of a form that names an entity by what a caller says (docs/complaints.md §3): the intake's
matcher (`services.routing.Routing`: USCC, exact name, then a fuzzy name among the entities of the township the
address names) inside the user's jurisdiction, and a few more entities of that jurisdiction whose name contains the
name (or whose USCC starts with the code), for the clerk to confirm one. The emergency forms use it too."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from shian.core.jurisdiction import scope_prefix, scope_queryset
from shian.entities.models import Entity

from ..models import Complaint
from ..services.routing import Routing

SHOWN = 6  # candidates offered at most


@dataclass(frozen=True)
class Candidate:
    entity: Entity
    match: str  # Complaint.Match value, or "similar" for a name or code search hit
    label: str


def entity_candidates(*, user, name: str = "", uscc: str = "", address: str = "") -> list[Candidate]:
    """The entities a name / USCC / address may mean, inside the user's jurisdiction, the matcher's pick first;
    empty when nothing was typed or the user has no jurisdiction."""
    name, uscc, address = (str(v or "").replace("\x00", "").strip()[:300] for v in (name, uscc, address))
    uscc = uscc.upper()[:18]
    scope = scope_prefix(user)
    if scope is None or not (name or uscc or address):
        return []
    visible = scope_queryset(Entity.objects.exclude(status=Entity.Status.DEREGISTERED), user).select_related("region")
    out: list[Candidate] = []
    routing = Routing(within=scope)
    item = {"entity_name": name, "entity_uscc": uscc, "entity_address": address}
    routing.prepare([item])
    route = routing.route(**item)
    picked = visible.filter(pk=route.entity_id).first() if route.entity_id else None
    if picked is not None:
        out.append(Candidate(picked, route.match, str(Complaint.Match(route.match).label)))
    like = Q()
    if uscc:
        like |= Q(uscc__startswith=uscc)
    if name:
        like |= Q(name__contains=name)
    if like:
        for entity in visible.filter(like).exclude(pk=route.entity_id or 0).order_by("name", "pk")[: SHOWN - len(out)]:
            out.append(Candidate(entity, "similar", _("名称或代码相近")))
    return out
