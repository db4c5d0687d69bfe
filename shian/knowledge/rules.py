"""Who does what in 监督抽考: administrators keep the bank, regulators schedule tests and read results,
enterprise staff sit the tests. Which rows each sees is jurisdiction (see selectors)."""

import rules

from shian.accounts.models import Role
from shian.accounts.rules import is_admin, is_auditor, is_station_staff


@rules.predicate
def is_enterprise(user):
    return getattr(user, "role", None) == Role.ENTERPRISE and getattr(user, "entity_id", None) is not None


rules.add_perm("knowledge.manage_bank", is_admin)
rules.add_perm("knowledge.view_bank", is_admin | is_station_staff)
rules.add_perm("knowledge.schedule_test", is_admin | is_station_staff)
rules.add_perm("knowledge.view_results", is_admin | is_station_staff | is_auditor)
rules.add_perm("knowledge.take_test", is_enterprise)
