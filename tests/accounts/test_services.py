import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from shian.accounts import services
from shian.accounts.models import Role, User
from shian.core.models import AuditEntry


def test_create_account_records_audit_without_password(db, make_user):
    admin = make_user(Role.COUNTY_ADMIN, "370725")
    account = services.create_account(
        actor=admin,
        username="zhang",
        password="a-very-long-pass-phrase",
        role=Role.CADRE,
        region_code="370725001",
        name="张三",
    )
    entry = AuditEntry.objects.get(action="account.create", object_id=str(account.pk))
    assert entry.actor == admin and entry.region_code == "370725001"
    assert "password" not in entry.after and entry.after["name"] == "张三"
    assert account.check_password("a-very-long-pass-phrase")


@pytest.mark.parametrize(
    ("role", "region", "field"),
    [
        (Role.COUNTY_ADMIN, "370725001", "region_code"),  # wrong level for the role
        (Role.DEPARTMENT_STAFF, "370725", "department_code"),  # department missing
        (Role.ENTERPRISE, "370725", "entity_id"),  # entity missing
        (Role.CADRE, "370725999", "region_code"),  # region does not exist
        ("mayor", "370725", "role"),
    ],
)
def test_create_account_rejects_inconsistent_fields(db, make_user, role, region, field):
    admin = make_user(Role.COUNTY_ADMIN, "370725")
    with pytest.raises(ValidationError) as exc:
        services.create_account(
            actor=admin, username="x", password="a-very-long-pass-phrase", role=role, region_code=region
        )
    assert field in exc.value.message_dict
    assert not User.objects.filter(username="x").exists()


def test_create_account_outside_jurisdiction_is_404(db, make_user):
    admin = make_user(Role.COUNTY_ADMIN, "370725")
    with pytest.raises(Http404):
        services.create_account(
            actor=admin, username="x", password="a-very-long-pass-phrase", role=Role.CADRE, region_code="370304001"
        )


def test_non_admin_cannot_create_accounts(db, make_user):
    cadre = make_user(Role.CADRE, "370725001001")
    with pytest.raises(PermissionDenied):
        services.create_account(
            actor=cadre, username="x", password="a-very-long-pass-phrase", role=Role.CADRE, region_code="370725001001"
        )


def test_weak_password_rejected(db, make_user):
    admin = make_user(Role.COUNTY_ADMIN, "370725")
    with pytest.raises(ValidationError) as exc:
        services.create_account(actor=admin, username="x", password="123456", role=Role.CADRE, region_code="370725001")
    assert "password" in exc.value.message_dict


def test_update_records_before_and_after(db, make_user):
    admin = make_user(Role.COUNTY_ADMIN, "370725")
    cadre = make_user(Role.CADRE, "370725001001", name="旧名")
    services.update_account(actor=admin, account=cadre, name="新名", region_code="370725107201")
    entry = AuditEntry.objects.get(action="account.update")
    assert entry.before["name"] == "旧名" and entry.after["name"] == "新名"
    assert entry.before["region_id"] == "370725001001" and entry.after["region_id"] == "370725107201"


def test_admin_cannot_change_own_role(db, make_user):
    admin = make_user(Role.COUNTY_ADMIN, "370725")
    with pytest.raises(ValidationError):
        services.update_account(actor=admin, account=admin, role=Role.CITY_ADMIN, region_code="3707")
