"""Enterprise accounts (issue 8): invitations by the station or the principal, an entity's staff page, and the same
through the API. Self-registration is in test_registration.py."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.utils import timezone

from shian.accounts import registration, services
from shian.accounts.models import ADMIN_ROLES, Invitation, JoinedVia, Role, User
from shian.core import sms
from shian.core.models import AuditEntry
from shian.entities.models import Entity, KeyPerson, License
from shian.entities.validators import make_uscc

PASSWORD = "a-very-long-pass-phrase"
USCC = make_uscc(region="370725", org_base="MA3CJQ4N")
LICENCE = "JY23707250012345"


@pytest.fixture
def entity(regions):
    e = Entity.objects.create(
        name="昌乐县宝都饭店", uscc=USCC, business_type="catering", address="宝都街道 1 号", region_id="370725001"
    )
    License.objects.create(entity=e, kind="JY", number=LICENCE)
    return e


@pytest.fixture
def other_entity(regions):
    e = Entity.objects.create(
        name="博山区城东小吃",
        uscc=make_uscc(region="370304", org_base="MA3CJQ4P"),
        business_type="catering",
        address="城东街道 2 号",
        region_id="370304001",
    )
    License.objects.create(entity=e, kind="JY", number="JY23703040054321")
    return e


@pytest.fixture
def station(make_user):
    return make_user(Role.STATION_STAFF, "370725001", username="station")


@pytest.fixture
def outsider(make_user):
    return make_user(Role.STATION_STAFF, "370304", username="outsider")


def invite(actor, entity, **fields):
    data = {"name": "王五", "phone": "13812345678", "entity_role": "safety_officer", **fields}
    return services.invite_entity_staff(actor=actor, entity=entity, **data)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def register_principal(entity) -> User:
    """A principal's account opened by self-registration (the two steps, tests/accounts/test_registration.py)."""
    KeyPerson.objects.create(entity=entity, role="principal", name="赵六", phone="13900001111")
    registration.send_registration_code(uscc=USCC, license_number=LICENCE, phone="13900001111")
    code = re.search(r"验证码 (\d{6})", sms.outbox[-1][1]).group(1)
    return registration.register_enterprise(
        uscc=USCC, license_number=LICENCE, phone="13900001111", code=code, name="赵六", username="zhaoliu",
        password=PASSWORD,
    )  # fmt: skip


# ------------------------------------------------------------------------------------------------ invitations


def test_invite_accept_login_bound_with_role(db, station, entity):
    invitation, token = invite(station, entity, entity_role="safety_director", phone="138 1234 5678")
    assert invitation.status == Invitation.Status.PENDING
    assert invitation.phone == "13812345678"  # normalised
    assert invitation.token_hash == Invitation.hash_token(token) and token not in invitation.token_hash
    assert abs(invitation.expires_at - invitation.created_at - datetime.timedelta(days=7)).total_seconds() < 5

    account = services.accept_invitation(token=token, username="wangwu", password=PASSWORD)
    account.refresh_from_db()
    assert account.is_active and account.role == Role.ENTERPRISE
    assert account.entity == entity and account.entity_role == "safety_director"
    assert account.region_id == entity.region_id and account.name == "王五" and account.phone == "13812345678"
    assert account.joined_via == JoinedVia.INVITATION
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED and invitation.account == account

    client = Client()
    r = client.post("/accounts/login/", {"username": "wangwu", "password": PASSWORD})
    assert r.status_code == 302 and r.url == "/"
    assert client.get("/").status_code == 200


def test_audit_of_invite_accept_and_revoke(db, station, entity):
    invitation, token = invite(station, entity)
    entry = AuditEntry.objects.get(action="invitation.create")
    assert entry.actor == station and entry.region_code == "370725001"
    assert "token_hash" not in entry.after and token not in str(entry.after)
    account = services.accept_invitation(token=token, username="wangwu", password=PASSWORD)
    assert AuditEntry.objects.filter(action="invitation.accept", actor=account, object_id=str(invitation.pk)).exists()
    created = AuditEntry.objects.get(action="account.create", object_id=str(account.pk))
    assert "password" not in created.after and created.after["entity_role"] == "safety_officer"
    other, _token = invite(station, entity)
    services.revoke_invitation(actor=station, invitation=other)
    assert AuditEntry.objects.get(action="invitation.revoke").actor == station


@pytest.mark.parametrize("state", ["expired", "used", "revoked"])
def test_spent_token_refused(db, station, entity, state):
    invitation, token = invite(station, entity)
    if state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    elif state == "used":
        services.accept_invitation(token=token, username="first", password=PASSWORD)
    else:
        services.revoke_invitation(actor=station, invitation=invitation)
    users = User.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.accept_invitation(token=token, username="second", password=PASSWORD)
    assert "token" in exc.value.message_dict
    assert User.objects.count() == users
    page = Client().get(f"/accounts/invite/{token}/")
    assert page.status_code == 410
    expected = {"expired": "已过期", "used": "已被使用", "revoked": "已被撤销"}[state]
    assert expected in page.content.decode()
    r = Client().post(f"/accounts/invite/{token}/", {"username": "third", "password": PASSWORD, "password2": PASSWORD})
    assert r.status_code == 410 and not User.objects.filter(username="third").exists()


def test_unknown_token_is_404(db, regions):
    assert Client().get("/accounts/invite/not-a-real-token-at-all-000000/").status_code == 404
    with pytest.raises(ValidationError):
        services.accept_invitation(token="x" * 43, username="a", password=PASSWORD)


def test_outsider_station_gets_404(db, outsider, station, entity):
    with pytest.raises(Http404):
        invite(outsider, entity)
    r = client_for(outsider).post(
        f"/accounts/entity/{entity.pk}/staff/", {"name": "王五", "phone": "13812345678", "entity_role": "principal"}
    )
    assert r.status_code == 404
    assert client_for(outsider).get(f"/accounts/entity/{entity.pk}/staff/").status_code == 404
    invitation, _token = invite(station, entity)
    with pytest.raises(Http404):
        services.revoke_invitation(actor=outsider, invitation=invitation)
    assert client_for(outsider).post(f"/accounts/invitations/{invitation.pk}/revoke/").status_code == 404
    assert not Invitation.objects.exclude(pk=invitation.pk).exists()


def test_enterprise_non_principal_cannot_invite(db, make_user, entity, other_entity):
    officer = make_user(Role.ENTERPRISE, "370725001", entity=entity, entity_role="safety_officer")
    with pytest.raises(PermissionDenied):
        invite(officer, entity)
    r = client_for(officer).post(
        f"/accounts/entity/{entity.pk}/staff/", {"name": "王五", "phone": "13812345678", "entity_role": "principal"}
    )
    assert r.status_code == 403
    assert client_for(officer).get(f"/accounts/entity/{entity.pk}/staff/").status_code == 403
    assert not Invitation.objects.exists()


def test_principal_invites_for_own_entity_only(db, make_user, entity, other_entity):
    principal = make_user(Role.ENTERPRISE, "370725001", entity=entity, entity_role="principal")
    invitation, _token = invite(principal, entity)
    assert invitation.created_by == principal
    with pytest.raises(Http404):
        invite(principal, other_entity)
    assert client_for(principal).get(f"/accounts/entity/{other_entity.pk}/staff/").status_code == 404
    assert client_for(principal).get("/accounts/enterprise/").url == f"/accounts/entity/{entity.pk}/staff/"


@pytest.mark.parametrize("role", [Role.CADRE, Role.GRID_WORKER, Role.DEPARTMENT_STAFF, Role.AUDITOR])
def test_other_roles_cannot_invite(db, make_user, entity, role):
    user = make_user(role, "370725001001" if role in (Role.CADRE, Role.GRID_WORKER) else "370725")
    with pytest.raises((PermissionDenied, Http404)):
        invite(user, entity)


def test_invite_bad_fields_named(db, station, entity):
    with pytest.raises(ValidationError) as exc:
        invite(station, entity, name=" ", phone="12345", entity_role="legal_rep")
    assert set(exc.value.message_dict) == {"name", "phone", "entity_role"}
    assert not Invitation.objects.exists()


def test_deregistered_entity_refuses_invites(db, station, entity):
    invitation, token = invite(station, entity)
    Entity.objects.filter(pk=entity.pk).update(status=Entity.Status.DEREGISTERED)
    with pytest.raises(ValidationError):
        invite(station, entity)
    with pytest.raises(ValidationError):
        services.accept_invitation(token=token, username="late", password=PASSWORD)


def test_accepted_invitation_cannot_be_revoked(db, station, entity):
    invitation, token = invite(station, entity)
    services.accept_invitation(token=token, username="wangwu", password=PASSWORD)
    with pytest.raises(ValidationError):
        services.revoke_invitation(actor=station, invitation=invitation)


def test_accept_duplicate_username_and_weak_password(db, station, entity, make_user):
    make_user(Role.CADRE, "370725001001", username="Taken")
    invitation, token = invite(station, entity)
    with pytest.raises(ValidationError) as exc:
        services.accept_invitation(token=token, username="taken", password="123")
    assert "用户名已被使用" in exc.value.message_dict["username"][0]
    assert "password" in exc.value.message_dict
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING  # nothing spent: the person can try again


def test_web_invite_accept_and_land_logged_in(db, station, entity):
    staff = client_for(station)
    page = staff.get(f"/accounts/entity/{entity.pk}/staff/")
    assert page.status_code == 200 and "不发送短信" in page.content.decode()
    r = staff.post(
        f"/accounts/entity/{entity.pk}/staff/", {"name": "王五", "phone": "13812345678", "entity_role": "principal"}
    )
    assert r.status_code == 200 and r["Cache-Control"].startswith("max-age=0")
    link = r.context["new_link"]
    assert re.fullmatch(r"http://testserver/accounts/invite/[A-Za-z0-9_-]{43}/", link)
    path = link.removeprefix("http://testserver")

    invitee = Client()
    form = invitee.get(path)
    assert form.status_code == 200 and "昌乐县宝都饭店" in form.content.decode()
    mismatch = invitee.post(path, {"username": "wangwu", "password": PASSWORD, "password2": PASSWORD + "x"})
    assert mismatch.status_code == 200 and "两次输入的密码不一致" in mismatch.content.decode()
    r = invitee.post(path, {"username": "wangwu", "password": PASSWORD, "password2": PASSWORD})
    assert r.status_code == 302 and r.url == "/"
    home = invitee.get("/")
    assert home.status_code == 200 and home.context["user"].username == "wangwu"
    account = User.objects.get(username="wangwu")
    assert account.entity == entity and account.entity_role == "principal"

    # the principal now sees the staff page and may invite colleagues
    page = invitee.get(f"/accounts/entity/{entity.pk}/staff/")
    assert page.status_code == 200 and "138****5678" in page.content.decode()
    assert "13812345678" not in page.content.decode()
    r = invitee.post(
        f"/accounts/entity/{entity.pk}/staff/",
        {"name": "孙七", "phone": "13700000000", "entity_role": "safety_officer"},
    )
    assert r.context["new_link"] and Invitation.objects.filter(created_by=account).count() == 1


def test_web_revoke(db, station, entity):
    invitation, token = invite(station, entity)
    r = client_for(station).post(f"/accounts/invitations/{invitation.pk}/revoke/")
    assert r.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    assert Client().get(f"/accounts/invite/{token}/").status_code == 410


# ------------------------------------------------------------------------------------------------ staff page


def test_staff_page_lists_accounts_masked(db, station, entity, make_user):
    make_user(
        Role.ENTERPRISE, "370725001", entity=entity, entity_role="safety_officer", name="李四", phone="13611112222"
    )
    invite(station, entity, name="待定")
    r = client_for(station).get(f"/accounts/entity/{entity.pk}/staff/")
    html = r.content.decode()
    assert "李四" in html and "食品安全员" in html and "136****2222" in html and "13611112222" not in html
    assert "从未登录" in html and "待定" in html and "待接受" in html
    assert [a.name for a in r.context["page"]] == ["李四"]


def test_station_deactivates_enterprise_account(db, station, outsider, entity, make_user):
    officer = make_user(Role.ENTERPRISE, "370725001", entity=entity, entity_role="safety_officer")
    staff = make_user(Role.ENTERPRISE, "370725001", entity=entity, entity_role="safety_director")
    assert client_for(staff).post(f"/accounts/enterprise/{officer.pk}/active/", {"active": "0"}).status_code == 403
    assert client_for(outsider).post(f"/accounts/enterprise/{officer.pk}/active/", {"active": "0"}).status_code == 404
    r = client_for(station).post(f"/accounts/enterprise/{officer.pk}/active/", {"active": "0"})
    assert r.status_code == 302
    officer.refresh_from_db()
    assert not officer.is_active
    entry = AuditEntry.objects.get(action="account.update", object_id=str(officer.pk))
    assert entry.before == {"is_active": True} and entry.after == {"is_active": False} and entry.actor == station
    cadre = User.objects.create_user("cadre-x", role=Role.CADRE, region_id="370725001001")
    with pytest.raises(Http404):  # only enterprise accounts are switched here
        services.set_enterprise_account_active(actor=station, account=cadre, is_active=False)


def test_principal_switches_their_own_entitys_staff_accounts(db, entity, other_entity, make_user):
    """A principal (企业负责人) deactivates and reactivates the other accounts of their own entity, audited; not
    their own account, not a co-principal's, not another entity's (404)."""
    principal = make_user(Role.ENTERPRISE, "370725001", entity=entity, entity_role="principal")
    officer = make_user(Role.ENTERPRISE, "370725001", entity=entity, entity_role="safety_officer")
    partner = make_user(Role.ENTERPRISE, "370725001", entity=entity, entity_role="principal")
    stranger = make_user(Role.ENTERPRISE, other_entity.region_id, entity=other_entity, entity_role="safety_officer")
    web = client_for(principal)
    page = web.get(f"/accounts/entity/{entity.pk}/staff/").content.decode()
    assert 'data-testid="deactivate"' in page
    assert web.post(f"/accounts/enterprise/{officer.pk}/active/", {"active": "0"}).status_code == 302
    officer.refresh_from_db()
    assert not officer.is_active
    entry = AuditEntry.objects.get(action="account.update", object_id=str(officer.pk))
    assert entry.actor == principal and entry.after == {"is_active": False}
    api = web.patch(f"/api/v1/enterprise/accounts/{officer.pk}", {"is_active": True}, content_type="application/json")
    assert api.status_code == 200 and api.json()["is_active"] is True
    with pytest.raises(ValidationError, match="不能修改自己"):
        services.set_enterprise_account_active(actor=principal, account=principal, is_active=False)
    with pytest.raises(ValidationError, match="监管所"):
        services.set_enterprise_account_active(actor=principal, account=partner, is_active=False)
    assert web.post(f"/accounts/enterprise/{stranger.pk}/active/", {"active": "0"}).status_code == 404
    stranger.refresh_from_db()
    partner.refresh_from_db()
    assert stranger.is_active and partner.is_active


def test_enterprise_home_for_station(db, station, entity, other_entity):
    invite(station, entity, name="待定")
    registered = register_principal(entity)
    r = client_for(station).get("/accounts/enterprise/")
    assert r.status_code == 200
    assert [e.pk for e in r.context["page"]] == [entity.pk]
    assert [i.name for i in r.context["pending"]] == ["待定"]
    assert [a.username for a in r.context["self_registered"]] == [registered.username]
    assert "企业账号" in r.content.decode()


# ------------------------------------------------------------------------------------------------------- API


def test_api_invite_list_accept_revoke(db, station, outsider, entity):
    api = client_for(station)
    r = api.post(
        "/api/v1/enterprise/invitations",
        {"entity_id": entity.pk, "name": "王五", "phone": "13812345678", "entity_role": "safety_officer"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["phone"] == "138****5678" and body["status"] == "pending"
    assert body["accept_url"].endswith(f"/accounts/invite/{body['token']}/")
    assert Invitation.objects.get(pk=body["id"]).token_hash == Invitation.hash_token(body["token"])

    listed = api.get(f"/api/v1/enterprise/invitations?entity_id={entity.pk}&status=pending").json()
    assert [i["id"] for i in listed["items"]] == [body["id"]]
    assert client_for(outsider).get("/api/v1/enterprise/invitations").json()["count"] == 0
    assert client_for(outsider).delete(f"/api/v1/enterprise/invitations/{body['id']}").status_code == 404
    bad = client_for(outsider).post(
        "/api/v1/enterprise/invitations",
        {"entity_id": entity.pk, "name": "王五", "phone": "13812345678", "entity_role": "safety_officer"},
        content_type="application/json",
    )
    assert bad.status_code == 404

    anonymous = Client(enforce_csrf_checks=True)
    r = anonymous.post(
        "/api/v1/enterprise/invitations/accept",
        {"token": body["token"], "username": "wangwu", "password": PASSWORD},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["entity_id"] == entity.pk and r.json()["entity_role"] == "safety_officer"
    again = anonymous.post(
        "/api/v1/enterprise/invitations/accept",
        {"token": body["token"], "username": "wangwu2", "password": PASSWORD},
        content_type="application/json",
    )
    assert again.status_code == 422 and "已被使用" in again.json()["message"]

    second = api.post(
        "/api/v1/enterprise/invitations",
        {"entity_id": entity.pk, "name": "孙七", "phone": "13700000000", "entity_role": "principal"},
        content_type="application/json",
    ).json()
    r = api.delete(f"/api/v1/enterprise/invitations/{second['id']}")
    assert r.status_code == 200 and r.json()["status"] == "revoked"

    accounts = api.get(f"/api/v1/enterprise/entities/{entity.pk}/accounts").json()
    assert [a["username"] for a in accounts["items"]] == ["wangwu"]
    wangwu = accounts["items"][0]
    assert client_for(outsider).get(f"/api/v1/enterprise/entities/{entity.pk}/accounts").status_code == 404
    r = api.patch(f"/api/v1/enterprise/accounts/{wangwu['id']}", {"is_active": False}, content_type="application/json")
    assert r.status_code == 200 and r.json()["is_active"] is False


def test_api_invite_field_errors(db, station, entity):
    r = client_for(station).post(
        "/api/v1/enterprise/invitations",
        {"entity_id": entity.pk, "name": "", "phone": "1", "entity_role": "x"},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"name", "phone", "entity_role"}


def test_api_non_principal_forbidden(db, make_user, entity):
    officer = make_user(Role.ENTERPRISE, "370725001", entity=entity, entity_role="safety_officer")
    r = client_for(officer).post(
        "/api/v1/enterprise/invitations",
        {"entity_id": entity.pk, "name": "王五", "phone": "13812345678", "entity_role": "safety_officer"},
        content_type="application/json",
    )
    assert r.status_code == 403


# ------------------------------------------------------------------------------------------------ access matrix

INSIDE, OUTSIDE = "370725001001", "110105"
INVITERS = ADMIN_ROLES | {Role.STATION_STAFF}
VIEWERS = INVITERS | {Role.AUDITOR}


@pytest.fixture
def targets(regions):
    return {
        where: Entity.objects.create(name=f"{where}饭店", business_type="catering", address="某路 1 号", region_id=code)
        for where, code in (("inside", INSIDE), ("outside", OUTSIDE))
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("where", ["inside", "outside"])
def test_matrix_invite_and_view(users_by_role, targets, role, where):
    """Every role x entity inside / outside its region: inviting (API) and the staff page (web). A role that may
    never invite (or view) gets 403 wherever the entity is; an enterprise account of another entity gets 404 like
    anything outside its scope."""
    client = client_for(users_by_role[role])
    entity = targets[where]
    r = client.post(
        "/api/v1/enterprise/invitations",
        {"entity_id": entity.pk, "name": "王五", "phone": "13812345678", "entity_role": "safety_officer"},
        content_type="application/json",
    )
    if role not in INVITERS and role != Role.ENTERPRISE:
        expected = 403
    elif where == "outside" or role == Role.ENTERPRISE:
        expected = 404
    else:
        expected = 201
    assert r.status_code == expected, r.content
    page = client.get(f"/accounts/entity/{entity.pk}/staff/")
    if role not in VIEWERS and role != Role.ENTERPRISE:
        expected = 403
    elif where == "outside" or role == Role.ENTERPRISE:
        expected = 404
    else:
        expected = 200
    assert page.status_code == expected
    listing = client.get("/api/v1/enterprise/invitations")
    assert listing.status_code == (200 if role in VIEWERS or role == Role.ENTERPRISE else 403)
    listed = listing.json().get("items", [])
    assert all(i["entity_id"] != targets["outside"].pk for i in listed)
