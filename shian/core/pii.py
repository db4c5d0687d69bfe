"""Personal data (PIPL): ID and phone numbers are shown masked unless the user may and asks; unmasking is audited."""

from . import audit
from .masking import mask_id_number, mask_phone  # noqa: F401 (the names apps import from here)
from .permissions import require_perm


def unmask(*, user, obj, fields: dict[str, str], region_code: str = "") -> dict[str, str]:
    """Return the clear values of `fields` (name -> value) after checking the right and auditing the view."""
    require_perm(user, "accounts.unmask_pii", obj)
    audit.record(
        actor=user,
        action="pii.unmask",
        obj=obj,
        region_code=region_code,
        after={"fields": sorted(fields)},
    )
    return fields
