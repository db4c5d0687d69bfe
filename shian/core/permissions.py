from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def require_perm(user, perm: str, obj=None) -> None:
    """Raise PermissionDenied (403) when the role lacks `perm`; scoping (404) is checked separately."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("您的角色无权执行此操作。"))
