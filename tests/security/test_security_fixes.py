"""The holes the security review of the first release found (issue 16), each as it was tried, now closed.

Self-registration has its own file (tests/accounts/test_registration.py); the generated role x route matrix is
test_route_matrix.py."""

import datetime
import importlib
import io

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from shian.accounts import services as account_services
from shian.accounts.models import Role
from shian.baobao.models import AssignmentRun, Cadre, Guarantee
from shian.core.models import AuditEntry
from shian.entities.models import Entity, KeyPerson
from shian.visits.models import Attachment

VILLAGE = "370725001001"
PHONE = "13812345678"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ------------------------------------------------------------------ 1. an enterprise account sees its own business


@pytest.fixture
def street(regions, make_user):
    """Two shops in one village, each guaranteed by its own cadre; the first shop's enterprise account."""
    run = AssignmentRun.objects.create(region_id="370725", status=AssignmentRun.Status.PUBLISHED)
    shops = []
    for n, (shop, cadre_name, phone) in enumerate(
        (("本店饭馆", "王本店", "13911110000"), ("邻店饭馆", "李邻店", "13922220000"))
    ):
        entity = Entity.objects.create(name=shop, region_id=VILLAGE, business_type="catering", address=f"{n}号")
        cadre = Cadre.objects.create(name=cadre_name, level="village", region_id=VILLAGE, phone=phone)
        Guarantee.objects.create(entity=entity, cadre=cadre, run=run, since=datetime.date(2026, 1, 1))
        shops.append(entity)
    user = make_user(Role.ENTERPRISE, VILLAGE, entity=shops[0], entity_role="principal")
    return shops, user


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/baobao/map",
        "/api/v1/baobao/cadres",
        "/baobao/cadres/",
        "/baobao/guarantees/",
        "/baobao/",
        "/dashboard/",
    ],
)
def test_an_enterprise_account_reaches_no_baobao_roster_map_or_dashboard(street, url):
    _shops, user = street
    response = client_for(user).get(url)
    assert response.status_code == 403
    assert "李邻店" not in response.content.decode() and "邻店饭馆" not in response.content.decode()


def test_an_enterprise_account_cannot_open_a_cadre_or_the_cadres_documents(street):
    _shops, user = street
    client = client_for(user)
    for cadre in Cadre.objects.all():
        for url in (f"/baobao/cadres/{cadre.pk}/", f"/baobao/cadres/{cadre.pk}/documents.pdf"):
            assert client.get(url).status_code == 403


def test_an_enterprise_account_sees_its_own_guarantor_and_no_other(street):
    _shops, user = street
    page = client_for(user).get("/duties/").content.decode()
    assert "王本店" in page and "13911110000" in page
    assert "李邻店" not in page and "13922220000" not in page


# ------------------------------------------------------------------------------ 3. no full phone in the audit trail


def test_account_audit_entries_store_the_phone_masked(db, make_user):
    admin = make_user(Role.COUNTY_ADMIN, "370725")
    account = account_services.create_account(
        actor=admin, username="clerk", password="a-long-enough-pass", role=Role.CADRE, region_code=VILLAGE, phone=PHONE
    )
    account_services.update_account(actor=admin, account=account, phone="13887654321")
    entries = AuditEntry.objects.filter(object_id=str(account.pk), action__startswith="account.")
    assert entries.count() == 2
    for entry in entries:
        stored = str(entry.before) + str(entry.after)
        assert PHONE not in stored and "13887654321" not in stored
    assert entries.get(action="account.create").after["phone"] == "138****5678"
    auditor = make_user(Role.AUDITOR, "370725")
    client = client_for(auditor)
    for entry in entries:
        assert PHONE not in client.get(f"/api/v1/audit/{entry.pk}").content.decode()
    assert PHONE not in client.get("/core/audit/").content.decode()


def test_nested_personal_data_is_masked_too(db):
    from shian.core import audit

    entry = audit.record(
        actor=None,
        action="test.write",
        object_type="test",
        after={"people": [{"name": "张三", "id_number": "11010519491231002X", "phone": PHONE}]},
    )
    assert entry.after["people"][0] == {"name": "张三", "id_number": "1101**********002X", "phone": "138****5678"}


def test_entries_written_before_the_rule_are_masked_by_the_migration(db):
    raw = AuditEntry.objects.create(action="account.create", object_type="accounts.user", after={"phone": PHONE})
    untouched = AuditEntry.objects.create(action="test.write", object_type="test", after={"name": "张三"})
    migration = importlib.import_module("shian.core.migrations.0006_mask_audit_pii")
    from django.apps import apps
    from django.db import connection

    class Editor:  # what the migration uses of a schema editor (a real one cannot open inside the test's transaction)
        def __init__(self):
            self.connection = connection

        def execute(self, sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)

    if connection.vendor == "postgresql":  # the rows above are this transaction's: settle their deferred checks,
        with connection.cursor() as cursor:  # as a migration's own transaction would have none pending
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    migration.mask_existing(apps, Editor())
    raw.refresh_from_db()
    untouched.refresh_from_db()
    assert raw.after == {"phone": "138****5678"} and untouched.after == {"name": "张三"}
    with pytest.raises(Exception, match="append-only"):  # and the trail is append-only again
        AuditEntry.objects.filter(pk=raw.pk).update(action="x")


# ------------------------------------------------------------------------------ 4. uploads and the API's layout


class Unreadable(io.RawIOBase):
    """A request body that fails if anyone reads it: the refusal must come before."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.parametrize(
    ("url", "declared"),
    [
        ("/ledgers/", (51 << 20) + 1),
        ("/api/v1/ledgers/imports", (51 << 20) + 1),
        ("/api/v1/visits/attachments", 12 << 20),
    ],
)
def test_an_upload_over_the_limit_is_refused_before_it_is_read(db, make_user, url, declared):
    client = client_for(make_user(Role.COUNTY_ADMIN, "370725"))
    response = client.generic(
        "POST",
        url,
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(declared),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    text = response.json()["message"] if url.startswith("/api/") else response.content.decode()
    assert "上传内容过大" in text and "MB" in text
    entry = AuditEntry.objects.get(action="request.too_large")
    assert entry.after["bytes"] == declared and entry.object_repr == url


def test_a_small_upload_passes_the_size_check(db, make_user):
    client = client_for(make_user(Role.COUNTY_ADMIN, "370725"))
    response = client.post("/api/v1/ledgers/imports", {"kind": "entity"})
    assert response.status_code == 422  # the import's own check (no file), not the size refusal
    assert not AuditEntry.objects.filter(action="request.too_large").exists()


def test_the_api_layout_needs_a_login_or_a_token(db, make_user):
    assert Client().get("/api/v1/openapi.json").status_code == 401
    admin = make_user(Role.COUNTY_ADMIN, "370725")
    _token, key = account_services.create_api_token(actor=admin, account=admin, name="集成")
    response = Client().get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and "/api/v1/me" in response.json()["paths"]


@pytest.fixture
def uploads(regions, make_user):
    """A photo and a PDF on a problem's evidence, as stored (what a file claims to be no longer matters)."""
    from tests.security.world import build

    world = build()
    user = world.users["county_admin"]
    event = Attachment.objects.get(pk=world.objects["attachment"][0].kwargs["pk"]).event
    jpeg = io.BytesIO()
    Image.new("RGB", (4, 4)).save(jpeg, format="JPEG")
    photo = Attachment(event=event, name="照片.jpg", content_type="image/jpeg", size=4, uploaded_by=user)
    photo.file.save("photo.jpg", ContentFile(jpeg.getvalue()), save=False)
    photo.save()
    pdf = Attachment(event=event, name="说明.pdf", content_type="application/pdf", size=9, uploaded_by=user)
    pdf.file.save("note.pdf", ContentFile(b"%PDF-<script>alert(1)</script>"), save=False)
    pdf.save()
    return user, photo, pdf


def test_files_are_sandboxed_and_only_our_photos_show_inline(uploads):
    user, photo, pdf = uploads
    client = client_for(user)
    for url in (f"/visits/attachments/{pdf.pk}/", f"/api/v1/visits/attachments/{pdf.pk}"):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Content-Security-Policy"].startswith("sandbox")
        assert response["X-Content-Type-Options"] == "nosniff"
    for url in (f"/visits/attachments/{photo.pk}/", f"/api/v1/visits/attachments/{photo.pk}"):
        response = client.get(url)
        assert response["Content-Disposition"].startswith("inline")
        assert response["Content-Security-Policy"].startswith("sandbox")


# ------------------------------------------------------------------- 2. lockout by account and by real address


def test_login_locks_an_account_attacked_from_many_addresses(db, make_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_user(Role.COUNTY_ADMIN, "370725", username="clerk")
    for n in range(3):
        Client(REMOTE_ADDR=f"203.0.113.{n + 1}").post("/accounts/login/", {"username": "clerk", "password": "x"})
    r = Client(REMOTE_ADDR="203.0.113.50").post(
        "/accounts/login/", {"username": "clerk", "password": "correct horse battery staple"}
    )
    assert r.status_code == 429


def test_login_locks_an_address_trying_many_accounts_whatever_header_it_forges(db, make_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_user(Role.COUNTY_ADMIN, "370725", username="clerk")
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(3):
        attacker.post(
            "/accounts/login/", {"username": f"guess{n}", "password": "x"}, HTTP_X_FORWARDED_FOR=f"10.9.9.{n}"
        )
    r = attacker.post(
        "/accounts/login/",
        {"username": "clerk", "password": "correct horse battery staple"},
        HTTP_X_FORWARDED_FOR="198.51.100.77",
    )
    assert r.status_code == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_count(db, make_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.SHIAN_TRUSTED_PROXIES = ["10.0.0.1"]
    make_user(Role.COUNTY_ADMIN, "370725", username="clerk")
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for n in range(3):
        proxy.post("/accounts/login/", {"username": f"guess{n}", "password": "x"}, HTTP_X_FORWARDED_FOR="198.51.100.1")
    ok = proxy.post(
        "/accounts/login/",
        {"username": "clerk", "password": "correct horse battery staple"},
        HTTP_X_FORWARDED_FOR="198.51.100.2",
    )
    assert ok.status_code == 302


def test_the_client_address_function(rf, settings):
    from shian.core.clientip import client_ip, forwarded_untrusted

    settings.SHIAN_TRUSTED_PROXIES = ["10.0.0.0/8"]
    direct = rf.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(direct) == "203.0.113.5" and forwarded_untrusted(direct)
    chained = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7, 10.1.1.1")
    assert client_ip(chained) == "198.51.100.7" and not forwarded_untrusted(chained)
    garbled = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert client_ip(garbled) == "10.0.0.2"


def test_keyperson_phone_stays_out_of_entity_audit_entries(db, make_user):
    """A principal's phone typed by the station (the phone registration codes go to) is masked in the trail too."""
    from shian.entities import services as entity_services

    station = make_user(Role.STATION_STAFF, "370725001")
    entity = Entity.objects.create(name="宝都饭店", region_id=VILLAGE, business_type="catering", address="1号")
    entity_services.add_key_person(actor=station, entity=entity, role="principal", name="赵六", phone=PHONE)
    assert KeyPerson.objects.get().phone == PHONE
    entry = AuditEntry.objects.filter(action__contains="person").latest("at")
    assert PHONE not in str(entry.after) and timezone.now() >= entry.at
