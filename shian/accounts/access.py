"""The role groups that routes declare (shian.core.access; docs/security.md).

A route names one of these (or a set built from `Role`) in its `@access(...)` declaration. Keep the groups few and
named for who they are, so a reader sees at a glance who may open a page.
"""

from shian.core.access import PUBLIC

from .models import ADMIN_ROLES, Role

ADMINS = ADMIN_ROLES
# Everyone who works for the government side: the office, the bureau and its stations, departments, cadres, grid
# workers and read-only auditors.
REGULATORS = frozenset(Role) - {Role.ENTERPRISE}
# Regulators who keep the registry and review enterprises' records.
STATION = ADMIN_ROLES | {Role.STATION_STAFF}
ENTERPRISE = frozenset({Role.ENTERPRISE})
# Any account that is logged in, enterprise accounts included: rows are then scoped by the selectors.
SIGNED_IN = frozenset(Role)
ANYONE = frozenset({PUBLIC})
# Who reads accounts and the audit trail: administrators and auditors.
ACCOUNT_READERS = ADMIN_ROLES | {Role.AUDITOR}
# Who keeps an entity's enterprise accounts: the station and administrators, and the entity's principal (an
# enterprise account; the service checks that it is the principal of that entity).
ENTITY_STAFF_KEEPERS = STATION | ENTERPRISE
ENTITY_STAFF_READERS = STATION | ENTERPRISE | {Role.AUDITOR}
# Who reads knowledge-test results: administrators, the station and auditors.
RESULT_READERS = STATION | {Role.AUDITOR}
