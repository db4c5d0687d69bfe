"""Who does what in the visit loop: cadres visit, enterprises rectify, cadres (or the station above them) verify."""

import rules

from shian.accounts.rules import is_admin, is_enterprise, is_station_staff
from shian.core.jurisdiction import in_scope


@rules.predicate
def is_problem_owner(user, problem):
    """The entity's own account: it uploads the rectification evidence."""
    return problem is not None and user.entity_id is not None and user.entity_id == problem.entity_id


@rules.predicate
def is_problem_supervisor(user, problem):
    """The cadre who found it, or (once a problem needs it) the station or office above, in their jurisdiction."""
    if problem is None:
        return False
    if problem.cadre.user_id == user.pk:
        return True
    return (is_admin(user) or is_station_staff(user)) and in_scope(user, problem.region_id)


rules.add_perm("visits.manage_checklists", is_admin)
rules.add_perm("visits.view_coverage", ~is_enterprise)
rules.add_perm("visits.submit_evidence", is_problem_owner | is_problem_supervisor)
rules.add_perm("visits.verify_problem", is_problem_supervisor)
