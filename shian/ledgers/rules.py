"""Who imports ledgers and undoes imports: the administrators who keep the registry and the cadre roster."""

import rules

from shian.accounts.rules import is_admin

rules.add_perm("ledgers.import_ledger", is_admin)
