"""Who keeps the cadre roster: the food-safety office administrators of each level."""

import rules

from shian.accounts.rules import is_admin

rules.add_perm("baobao.manage_cadres", is_admin)
