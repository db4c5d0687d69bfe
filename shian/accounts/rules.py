"""Role permissions as `rules` predicates. Jurisdiction (which rows) is separate: see core.jurisdiction."""

import rules

from shian.entities.models import KeyPerson

from .models import ADMIN_ROLES, Role


@rules.predicate
def is_admin(user):
    return user.is_superuser or user.role in ADMIN_ROLES


@rules.predicate
def is_auditor(user):
    return user.role == Role.AUDITOR


rules.add_perm("accounts.view_accounts", is_admin | is_auditor)
rules.add_perm("accounts.manage_accounts", is_admin)
rules.add_perm("accounts.manage_tokens", is_admin)
rules.add_perm("accounts.unmask_pii", is_admin | is_auditor)
rules.add_perm("core.view_audit", is_admin | is_auditor)
# The operations page (scheduled jobs, their runs): administrators; failures go to the top-level ones.
rules.add_perm("core.view_operations", is_admin)
rules.add_perm("regions.manage_grids", is_admin)


@rules.predicate
def is_station_staff(user):
    return user.role == Role.STATION_STAFF


@rules.predicate
def is_enterprise(user):
    return user.role == Role.ENTERPRISE


# Market regulation keeps the registry: administrators and station staff write it.
rules.add_perm("entities.manage_entities", is_admin | is_station_staff)
rules.add_perm("entities.override_checksum", is_admin | is_station_staff)


@rules.predicate
def is_entity_principal(user):
    """The principal (主要负责人) of the entity an enterprise account is bound to."""
    return user.role == Role.ENTERPRISE and user.entity_id is not None and user.entity_role == KeyPerson.Role.PRINCIPAL


# Enterprise accounts (issue 8): the station and administrators invite staff for entities in their jurisdiction and
# may switch accounts off; an entity's principal invites colleagues for that entity only (scoping in the selectors).
rules.add_perm("accounts.view_entity_staff", is_admin | is_auditor | is_station_staff | is_entity_principal)
rules.add_perm("accounts.invite_entity_staff", is_admin | is_station_staff | is_entity_principal)
rules.add_perm("accounts.manage_entity_staff", is_admin | is_station_staff)
# Switching an enterprise account off or back on: the station and administrators, and the principal for the other
# accounts of their own entity (issue 18; the service refuses themselves and co-principals).
rules.add_perm("accounts.switch_entity_staff", is_admin | is_station_staff | is_entity_principal)


@rules.predicate
def is_rule_owner(user):
    """Province, city and county administrators own the rule versions of their region (docs/architecture.md
    §3.5); a township follows its county's rules."""
    return user.is_superuser or user.role in {Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN}


# The rule store (deadlines, frequencies, thresholds) and the policy tables: read by the office, the station and
# auditors; a new version is added by the administrators who own the region (scope checked by the services).
rules.add_perm("core.view_rules", is_admin | is_auditor | is_station_staff)
rules.add_perm("core.edit_rules", is_rule_owner)
