"""Who keeps which record (docs/domain.md §5): the entity's own accounts write them; an account with no role set is a
one-person business and may do all three duties."""

import rules

from shian.accounts.models import Role
from shian.accounts.rules import is_admin, is_enterprise, is_station_staff
from shian.entities.models import KeyPerson


def _role_in(*roles):
    @rules.predicate
    def check(user, entity):
        return (
            user.role == Role.ENTERPRISE
            and entity is not None
            and user.entity_id == entity.pk
            and (user.entity_role or "") in (*roles, "")
        )

    return check


is_own_staff = _role_in(KeyPerson.Role.PRINCIPAL, KeyPerson.Role.SAFETY_DIRECTOR, KeyPerson.Role.SAFETY_OFFICER)
is_checker = _role_in(KeyPerson.Role.SAFETY_DIRECTOR, KeyPerson.Role.SAFETY_OFFICER)
is_principal = _role_in(KeyPerson.Role.PRINCIPAL)

rules.add_perm("duties.daily_check", is_own_staff)
rules.add_perm("duties.weekly_report", is_checker)
rules.add_perm("duties.monthly_meeting", is_principal)
rules.add_perm("duties.edit_risk_list", is_own_staff)
rules.add_perm("duties.record_training", is_own_staff | is_admin | is_station_staff)
rules.add_perm("duties.view_oversight", ~is_enterprise)
