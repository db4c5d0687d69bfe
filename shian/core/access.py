"""Who may use a route, declared next to the route (docs/security.md).

Every page and every API operation carries one declaration: the roles that may call it at all, or `PUBLIC`.
The declaration is enforced here (not logged in: the login page, or 401 from the API; logged in with another
role: 403) and read by the generated access-matrix test, which fails on any route that has none, so a new page
cannot ship unscoped. Which *rows* a role sees is a separate, second check: the selectors' jurisdiction scoping
(a row outside it is a 404).

    @access(REGULATORS)                 # a page
    def overview(request): ...

    @router.get("/map")                 # an API operation: the router's decorator stays outermost
    @access(REGULATORS)
    def map_points(request): ...

Role names are plain strings here so that core imports no domain app; `shian.accounts.access` names the groups.
Core's own pages declare `ACCOUNTS` (any signed-in account), `EVERYONE`, or a permission (`perm="core.view_audit"`:
the roles that hold it).
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

PUBLIC = "anonymous"
ANY_ACCOUNT = "signed_in"
EVERYONE = frozenset({PUBLIC})
ACCOUNTS = frozenset({ANY_ACCOUNT})


@dataclass(frozen=True)
class Access:
    """The roles that may call a route (`PUBLIC` among them: anyone, logged in or not; `ANY_ACCOUNT`: any signed-in
    account), or the permission whose holders may, and, for the matrix, what the route's path parameters name
    (`objects`: a kind such as "entity" or "cadre")."""

    roles: frozenset[str]
    objects: str = ""
    perm: str = ""

    @property
    def public(self) -> bool:
        return PUBLIC in self.roles

    def allows(self, user) -> bool:
        if self.public:
            return True
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        if user.is_superuser or ANY_ACCOUNT in self.roles or user.role in self.roles:
            return True
        return bool(self.perm) and user.has_perm(self.perm)


def access(roles=(), *, objects: str = "", perm: str = ""):
    """Declare and enforce the roles that may use a view or API operation (see the module docstring)."""
    if not roles and not perm:
        raise ValueError("an access declaration names roles or a permission")
    declared = Access(roles=frozenset(str(r) for r in roles), objects=objects, perm=perm)

    def decorate(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not declared.public:
                user = request.user
                if not getattr(user, "is_authenticated", False):  # the API authenticates before the operation
                    return redirect_to_login(request.get_full_path())
                if not declared.allows(user):
                    raise PermissionDenied(_("您的角色无权使用此功能。"))
            return view(request, *args, **kwargs)

        checked.access = declared
        return checked

    return decorate


def declared(view) -> Access | None:
    """The declaration of a view or API operation function, through any wrapping decorators."""
    while view is not None:
        found = getattr(view, "access", None)
        if isinstance(found, Access):
            return found
        view = getattr(view, "__wrapped__", None)
    return None


def operation_view(request):
    """The API operation function that this request resolves to (django-ninja keeps its operations in the URL
    callback's closure), so that its declaration can be checked before the request body is even parsed."""
    match = getattr(request, "resolver_match", None)
    for cell in getattr(getattr(match, "func", None), "__closure__", None) or ():
        for operation in getattr(cell.cell_contents, "operations", None) or ():
            if request.method in operation.methods:
                return operation.view_func
    return None


def check_operation(request, user) -> None:
    """Called by the API's authenticators once they know the user: a role the operation does not declare gets 403
    before its body is validated, the same answer whatever it sends."""
    found = declared(operation_view(request))
    if found is not None and not found.allows(user):
        raise PermissionDenied(_("您的角色无权使用此功能。"))
