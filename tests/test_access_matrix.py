"""Every role x (object inside / outside its region) x (read / write) for regions, accounts, audit entries.

Expected outcomes come from two role sets stated once here; a leak is any 200 on an outside
object or any status that differs from the rule.
"""

import pytest
from django.test import Client

from shian.accounts.models import ADMIN_ROLES, Role
from shian.core import audit

INSIDE, OUTSIDE = "370725001001", "110105"  # OUTSIDE lies beyond every role's jurisdiction
VIEW_ACCOUNTS = ADMIN_ROLES | {Role.AUDITOR}
ROLES = list(Role)


@pytest.fixture
def world(users_by_role, make_user):
    targets = {
        "inside": make_user(Role.CADRE, INSIDE, username="target-in"),
        "outside": make_user(Role.CADRE, OUTSIDE, username="target-out"),
    }
    entries = {
        where: audit.record(actor=None, action="test.write", object_type="test", region_code=code)
        for where, code in (("inside", INSIDE), ("outside", OUTSIDE))
    }
    return users_by_role, targets, entries


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["inside", "outside"])
def test_region_read(world, role, where):
    users, _, _ = world
    code = INSIDE if where == "inside" else OUTSIDE
    r = client_for(users[role]).get(f"/api/v1/regions/{code}")
    assert r.status_code == (200 if where == "inside" else 404), r.content


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["inside", "outside"])
def test_region_write_grid(world, role, where):
    users, _, _ = world
    code = INSIDE if where == "inside" else OUTSIDE
    payload = {"code": f"G{code}", "name": "测试网格", "kind": "community", "region_code": code}
    r = client_for(users[role]).post("/api/v1/regions/grids", payload, content_type="application/json")
    if role not in ADMIN_ROLES:
        expected = 403
    else:
        expected = 201 if where == "inside" else 404
    assert r.status_code == expected, r.content


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["inside", "outside"])
def test_account_read(world, role, where):
    users, targets, _ = world
    r = client_for(users[role]).get(f"/api/v1/accounts/{targets[where].pk}")
    if role not in VIEW_ACCOUNTS:
        expected = 403  # a role that may never read accounts, wherever the account is
    else:
        expected = 200 if where == "inside" else 404
    assert r.status_code == expected, r.content
    listing = client_for(users[role]).get("/api/v1/accounts")
    assert listing.status_code == (200 if role in VIEW_ACCOUNTS else 403)
    usernames = {a["username"] for a in listing.json().get("items", [])}
    assert "target-out" not in usernames
    assert ("target-in" in usernames) == (role in VIEW_ACCOUNTS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["inside", "outside"])
def test_account_write(world, role, where):
    users, targets, _ = world
    target = targets[where]
    r = client_for(users[role]).patch(
        f"/api/v1/accounts/{target.pk}", {"name": "改名"}, content_type="application/json"
    )
    if role not in ADMIN_ROLES:
        expected = 403
    else:
        expected = 200 if where == "inside" else 404
    assert r.status_code == expected, r.content
    target.refresh_from_db()
    assert (target.name == "改名") == (expected == 200)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["inside", "outside"])
def test_audit_read(world, role, where):
    users, _, entries = world
    r = client_for(users[role]).get(f"/api/v1/audit/{entries[where].pk}")
    if role not in VIEW_ACCOUNTS:
        expected = 403
    else:
        expected = 200 if where == "inside" else 404
    assert r.status_code == expected, r.content


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_audit_write_is_impossible(world, role):
    users, _, entries = world
    client = client_for(users[role])
    for method in (client.put, client.patch, client.delete):
        r = method(f"/api/v1/audit/{entries['inside'].pk}", {}, content_type="application/json")
        assert r.status_code == 405, r.content


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_ui_pages_hide_outside_rows(world, role):
    users, targets, _ = world
    client = client_for(users[role])
    assert client.get(f"/accounts/{targets['outside'].pk}/").status_code == (404 if role in VIEW_ACCOUNTS else 403)
    inside = client.get(f"/accounts/{targets['inside'].pk}/").status_code
    assert inside == (200 if role in VIEW_ACCOUNTS else 403)
    audit_page = client.get("/core/audit/")
    assert audit_page.status_code == (200 if role in VIEW_ACCOUNTS else 403)


def _cadre(code: str):
    from shian.baobao.models import Cadre

    return Cadre.objects.create(name="测试干部", level="village" if len(code) == 12 else "county", region_id=code)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["inside", "outside"])
def test_cadre_read(world, role, where):
    users, _, _ = world
    cadre = _cadre(INSIDE if where == "inside" else OUTSIDE)
    client = client_for(users[role])
    r = client.get(f"/api/v1/baobao/cadres/{cadre.pk}")
    if role == Role.ENTERPRISE:  # an enterprise account sees its own guarantor on its own pages, not the roster
        assert r.status_code == 403, r.content
        assert client.get("/baobao/cadres/").status_code == 403
        return
    assert r.status_code == (200 if where == "inside" else 404), r.content
    assert (cadre.name in client.get("/baobao/cadres/").content.decode()) == (where == "inside")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["inside", "outside"])
def test_cadre_write(world, role, where):
    users, _, _ = world
    cadre = _cadre(INSIDE if where == "inside" else OUTSIDE)
    r = client_for(users[role]).patch(
        f"/api/v1/baobao/cadres/{cadre.pk}", {"position": "村主任"}, content_type="application/json"
    )
    if role not in ADMIN_ROLES:
        expected = 403
    else:
        expected = 200 if where == "inside" else 404
    assert r.status_code == expected, r.content


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["inside", "outside"])
def test_dashboard_figures_read(world, role, where):
    """The dashboard's figures of a region: every regulator role inside its jurisdiction, nobody outside;
    enterprise accounts have no dashboard."""
    users, _, _ = world
    code = INSIDE if where == "inside" else OUTSIDE
    r = client_for(users[role]).get(f"/api/v1/dashboard/figures?region={code}")
    if role == Role.ENTERPRISE:
        expected = 403
    else:
        expected = 200 if where == "inside" else 404
    assert r.status_code == expected, r.content
    if expected == 200:
        assert r.json()["region_code"] == code
