"""What the dinners pages share: who may use them and the page size."""

from shian.accounts.access import STATION
from shian.accounts.models import Role

from ..services.dinners import REPORTERS as _REPORTERS

PER_PAGE = 30
REPORTERS = frozenset(_REPORTERS)
GUIDES = STATION | {Role.GRID_WORKER, Role.CADRE}
CHEF_READERS = STATION | {Role.AUDITOR}
