import pytest
from django.test import Client

from shian.accounts import services
from shian.accounts.models import ApiToken, Role


@pytest.fixture
def admin(make_user):
    return make_user(Role.COUNTY_ADMIN, "370725")


def test_unauthenticated_requests_get_json_401(db):
    r = Client().get("/api/v1/me")
    assert r.status_code == 401
    assert r.json() == {"message": "未登录或令牌无效。", "errors": []}


def test_openapi_document_and_docs_page(db, admin):
    """The staff API's layout needs a login or a token (issue 16); anonymous callers get 401 and learn nothing."""
    assert Client().get("/api/v1/openapi.json").status_code == 401
    assert Client().get("/api/v1/docs").status_code == 401
    signed_in = Client()
    signed_in.force_login(admin)
    spec = signed_in.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    assert {"/api/v1/me", "/api/v1/regions", "/api/v1/accounts", "/api/v1/audit", "/api/v1/tokens"} <= set(paths)
    client = Client()
    client.force_login(admin)
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"cdn." not in docs.content.lower()  # swagger served from our own static files (a CSRF token may hold "cdn")


def test_bearer_token_lifecycle(db, admin, make_user):
    cadre = make_user(Role.CADRE, "370725001001")
    token, key = services.create_api_token(actor=admin, account=cadre, name="微信小程序")
    stored = ApiToken.objects.get(pk=token.pk)
    assert key not in (stored.key_hash, stored.prefix) and stored.key_hash == ApiToken.hash_key(key)
    r = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert r.status_code == 200 and r.json()["username"] == cadre.username
    services.revoke_api_token(actor=admin, token=token)
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer shian_not-a-key").status_code == 401


def test_token_api_returns_key_once(db, admin, make_user):
    cadre = make_user(Role.CADRE, "370725001001")
    client = Client()
    client.force_login(admin)
    created = client.post("/api/v1/tokens", {"account_id": cadre.pk, "name": "对接"}, content_type="application/json")
    assert created.status_code == 201
    key = created.json()["key"]
    listed = client.get("/api/v1/tokens").json()["items"]
    assert listed and all("key" not in t for t in listed)
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").json()["id"] == cadre.pk


def test_session_writes_need_csrf(db, admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    r = client.post("/api/v1/accounts", {}, content_type="application/json")
    assert r.status_code == 403


def test_validation_errors_name_the_field(db, admin):
    client = Client()
    client.force_login(admin)
    r = client.post(
        "/api/v1/accounts",
        {"username": "x1", "password": "short", "role": "cadre", "region_code": "37072"},
        content_type="application/json",
    )
    assert r.status_code == 422
    body = r.json()
    assert body["message"] and any(e["field"].endswith("region_code") for e in body["errors"])


def test_service_errors_name_the_field(db, admin):
    client = Client()
    client.force_login(admin)
    r = client.post(
        "/api/v1/accounts",
        {"username": "newcadre", "password": "a-very-long-pass-phrase", "role": "cadre", "region_code": "37"},
        content_type="application/json",
    )
    assert r.status_code == 404  # 37 is above a county admin's jurisdiction
    r = client.post(
        "/api/v1/accounts",
        {
            "username": "newcadre",
            "password": "a-very-long-pass-phrase",
            "role": "county_admin",
            "region_code": "370725001",
        },
        content_type="application/json",
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "region_code"
    assert "乡镇" in r.json()["errors"][0]["message"]


def test_phone_masked_in_api(db, admin, make_user):
    make_user(Role.CADRE, "370725001001", phone="13812345678", username="phoneuser")
    client = Client()
    client.force_login(admin)
    items = client.get("/api/v1/accounts?q=phoneuser").json()["items"]
    assert items[0]["phone"] == "138****5678"


def test_healthz_reports_database(db):
    r = Client().get("/healthz")
    assert r.status_code == 200
    assert r.json()["database"]["ok"] is True
