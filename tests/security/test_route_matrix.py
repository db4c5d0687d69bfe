"""The generated access matrix (issue 16): every route x every role x objects inside and outside the role's reach.

For each page and API operation (walked from the URL resolver, so later modules are covered without anyone
remembering to add them), each role of tests/security/world.py, and each object the route's path names (one of every
position: the account's own business, the shop next door, the other township, another province):

- a route must declare who may use it (`@access(...)`, shian.core.access), and name the kind of object its path
  parameters point to; a route without a declaration fails `test_every_route_declares_who_may_use_it`;
- a role the route does not declare gets 403 (anonymous: the login page, or 401 from the API);
- an object the role may not see gets 404 (or 403), never 2xx or a redirect after a write;
- an object it may see gets 2xx or a deliberate 4xx, never a 5xx;
- no response carries the name of a business (or of its rows) that the role may not see.

Every request runs in a savepoint that is rolled back, so a write by one role does not change what the next sees.
"""

import pytest
from django.db import connection, transaction
from django.test import Client

from shian.regions.models import Region
from tests.conftest import TREE

from .routes import all_routes
from .world import build, forbidden_markers, visible

pytestmark = pytest.mark.django_db
ROUTES = all_routes()
TEXT_TYPES = ("text/", "application/json")


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("matrix-media")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, media_root):
    """The world's files live as long as the world (the module), not one test."""
    settings.MEDIA_ROOT = media_root


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, media_root):
    from django.test.utils import override_settings

    with django_db_blocker.unblock(), transaction.atomic(), override_settings(MEDIA_ROOT=media_root):
        parents = {}
        for code, name, parent in TREE:
            parents[code] = Region.objects.create(
                code=code, name=name, level=Region.level_for_code(code), parent=parents.get(parent)
            )
        built = build()
        if connection.vendor == "postgresql":  # the planner's statistics from the world this transaction holds
            with connection.cursor() as cursor:  # (no other session sees it; tests/conftest.py: no autovacuum)
                cursor.execute("ANALYZE")
        clients = {}
        for label, user in built.users.items():
            client = Client(raise_request_exception=False)
            if user is not None:
                client.force_login(user)
            clients[label] = client
        yield built, clients
        transaction.set_rollback(True)


def test_every_route_declares_who_may_use_it(world, capsys):
    """A page or operation without a declaration, or one whose path names an object of a kind the matrix cannot
    make, fails here: declare it with `@access(roles, objects=...)` and add the kind to tests/security/world.py."""
    built, _ = world
    undeclared = [r.id for r in ROUTES if r.access is None]
    assert not undeclared, f"routes with no @access declaration: {undeclared}"
    unnamed = [r.id for r in ROUTES if r.params and not r.access.objects]
    assert not unnamed, f"routes whose path parameters name no object kind: {unnamed}"
    unknown = [(r.id, r.access.objects) for r in ROUTES if r.params and r.access.objects not in built.objects]
    assert not unknown, f"object kinds the matrix cannot make: {unknown}"
    cells = sum(len(r.methods) * max(1, len(built.objects.get(r.access.objects, ()))) for r in ROUTES)
    with capsys.disabled():  # the issue asks for the matrix's size in the test output
        print(
            f"\naccess matrix: {len(ROUTES)} routes x {len(built.users)} roles; {cells} route-object cells per role, "
            f"{cells * len(built.users)} requests"
        )


def _request(client, route, method, url):
    """One request in a savepoint rolled back afterwards; the client's cookies too (a logout must not stick)."""
    cookies = {key: morsel.value for key, morsel in client.cookies.items()}
    with transaction.atomic():
        if route.kind == "api":
            send = getattr(client, method.lower())
            response = send(url, {}, content_type="application/json") if method != "GET" else send(url)
        else:
            response = client.get(url) if method == "GET" else client.post(url, {})
        transaction.set_rollback(True)
    client.cookies.clear()
    for key, value in cookies.items():
        client.cookies[key] = value
    return response


def _text(response) -> str:
    if not response.get("Content-Type", "").startswith(TEXT_TYPES) or getattr(response, "streaming", False):
        return ""
    return response.content.decode("utf-8", "replace")


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
def test_route(world, route):
    built, clients = world
    declaration = route.access
    if declaration is None:
        pytest.skip("undeclared: reported by test_every_route_declares_who_may_use_it")
    instances = built.objects[declaration.objects] if route.params else [None]
    failures = []
    for label, user in built.users.items():
        role_allowed = declaration.allows(user)
        forbidden = forbidden_markers(user, built) if user is None or not user.is_superuser else []
        for inst in instances:
            url = route.url(inst.kwargs) if inst else route.url({})
            for method in route.methods:
                response = _request(clients[label], route, method, url)
                status = response.status_code
                where = f"{label} {method} {url} ({inst.position if inst else '-'}) -> {status}"
                if status >= 500:
                    failures.append(f"{where}: server error")
                    continue
                if not role_allowed:
                    if user is None:
                        ok = (
                            status == 401
                            if route.kind == "api"
                            else (status == 302 and "/login" in response["Location"])
                        )
                    else:
                        ok = status == 403
                    if not ok:
                        failures.append(f"{where}: the route does not declare this role")
                    continue
                if inst is not None and not visible(user, inst):
                    denied = {403, 404, 405} | ({422} if route.kind == "api" and method != "GET" else set())
                    if status not in denied:
                        failures.append(f"{where}: out of scope, expected 404")
                text = _text(response)
                leaked = [m for m in forbidden if m in text]
                if leaked:
                    failures.append(f"{where}: shows {leaked}")
    assert not failures, "\n".join(failures)
