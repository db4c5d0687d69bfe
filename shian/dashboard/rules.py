"""Who sees the dashboard: every regulator account (the figures are scoped to its jurisdiction); enterprise
accounts have their own duties page instead. Administrators generate dispatch reports on demand."""

import rules

from shian.accounts.rules import is_admin, is_enterprise

rules.add_perm("dashboard.view", rules.is_authenticated & ~is_enterprise)
rules.add_perm("dashboard.generate_report", is_admin)
