"""Who may keep a market's records (docs/markets.md §1): the station and administrators in whose jurisdiction the
market lies, and the market's own enterprise accounts for their market only. Other regulators read."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from shian.accounts.access import STATION
from shian.accounts.models import Role
from shian.core.jurisdiction import require_in_scope
from shian.entities.models import Entity

KEEPERS = STATION | {Role.ENTERPRISE}


def can_keep(actor, market: Entity | None = None) -> bool:
    if not getattr(actor, "is_authenticated", False):
        return False
    if actor.is_superuser:
        return True
    if actor.role == Role.ENTERPRISE:
        return market is None or actor.entity_id == market.pk
    return actor.role in STATION


def is_staff(actor) -> bool:
    return bool(actor.is_superuser or getattr(actor, "role", None) in STATION)


def require_keeper(actor, market: Entity) -> None:
    """A market outside the actor's reach is a 404; a reader (cadre, auditor, ...) is refused."""
    if getattr(actor, "role", None) == Role.ENTERPRISE and not actor.is_superuser:
        if actor.entity_id != market.pk:
            raise Http404(_("未找到该记录，或不在您的管辖范围内。"))  # another market: out of reach, as any row
        return
    require_in_scope(actor, market.region_id)
    if not can_keep(actor, market):
        raise PermissionDenied(_("只有市场监管所工作人员、管理员和市场自身的企业账号可以维护市场信息。"))
