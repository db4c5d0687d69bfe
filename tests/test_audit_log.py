import pytest
from django.db import DatabaseError, transaction
from django.test import Client

from shian.core import audit
from shian.core.models import AuditEntry


def test_audit_rows_are_append_only_in_python(db):
    entry = audit.record(actor=None, action="x", object_type="t")
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_audit_rows_are_append_only_in_the_database(db):
    entry = audit.record(actor=None, action="x", object_type="t")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "x"


def test_audit_entry_carries_request_id_and_ip(db, make_user):
    from shian.accounts.models import Role

    admin = make_user(Role.COUNTY_ADMIN, "370725")
    client = Client()
    client.force_login(admin)
    r = client.post(
        "/api/v1/accounts",
        {"username": "li", "password": "a-very-long-pass-phrase", "role": "cadre", "region_code": "370725001"},
        content_type="application/json",
        HTTP_X_REQUEST_ID="req-123",
    )
    assert r.status_code == 201 and r["X-Request-ID"] == "req-123"
    entry = AuditEntry.objects.get(action="account.create")
    assert entry.request_id == "req-123" and entry.ip == "127.0.0.1"


def test_auditor_searches_the_log(db, make_user):
    from shian.accounts.models import Role

    auditor = make_user(Role.AUDITOR, "370725")
    audit.record(actor=None, action="entity.update", object_type="t", object_repr="某餐馆", region_code="370725001")
    audit.record(actor=None, action="entity.update", object_type="t", object_repr="外县餐馆", region_code="370304001")
    client = Client()
    client.force_login(auditor)
    page = client.get("/core/audit/?q=餐馆").content.decode()
    assert "某餐馆" in page and "外县餐馆" not in page
