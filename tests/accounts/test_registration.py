"""Self-registration proves control of the principal's phone the regulator holds (issue 16), not knowledge of the
codes printed on the licence: a stranger with a licence photo gets no account; the caller chooses no role; codes
are single-use, expire and allow few tries; failures are throttled per real client address and per entity."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from shian.accounts import registration
from shian.accounts.models import JoinedVia, RegistrationCode, Role, User
from shian.core import sms
from shian.core.models import AuditEntry, DeadlineRule
from shian.entities.models import Entity, KeyPerson, License
from shian.entities.validators import make_uscc

PASSWORD = "a-very-long-pass-phrase"
USCC = make_uscc(region="370725", org_base="MA3CJQ4N")
LICENCE = "JY23707250012345"
PRINCIPAL_PHONE = "13900001111"
MISMATCH = str(registration.SELF_REGISTER_MISMATCH)


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()


@pytest.fixture
def entity(regions):
    e = Entity.objects.create(
        name="昌乐县宝都饭店", uscc=USCC, business_type="catering", address="宝都街道 1 号", region_id="370725001"
    )
    License.objects.create(entity=e, kind="JY", number=LICENCE)
    KeyPerson.objects.create(entity=e, role="principal", name="赵六", phone=PRINCIPAL_PHONE)
    return e


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def texted_code() -> str:
    phone, text = sms.outbox[-1]
    assert phone == PRINCIPAL_PHONE
    return re.search(r"验证码 (\d{6})", text).group(1)


def step2(**fields) -> dict:
    return {
        "uscc": USCC,
        "license_number": LICENCE,
        "phone": PRINCIPAL_PHONE,
        "name": "赵六",
        "username": "zhaoliu",
        "password": PASSWORD,
        **fields,
    }


def send_code(**fields) -> str:
    return registration.send_registration_code(
        **{"uscc": USCC, "license_number": LICENCE, "phone": PRINCIPAL_PHONE, **fields}
    )


def failures(reason: str) -> int:
    return AuditEntry.objects.filter(action="account.self_register_failed", after__reason=reason).count()


def test_the_code_goes_to_the_registered_principal_phone_and_opens_the_principals_account(db, entity):
    assert send_code(uscc=" " + fullwidth(USCC.lower()), license_number=fullwidth(LICENCE.lower())) == "139****1111"
    assert len(sms.outbox) == 1 and "昌乐县宝都饭店" in sms.outbox[0][1]
    sent = AuditEntry.objects.get(action="account.registration_code")
    assert sent.after["phone"] == "139****1111" and PRINCIPAL_PHONE not in str(sent.after)
    stored = RegistrationCode.objects.get()
    assert texted_code() not in (stored.code_hash, stored.phone_hash)  # only hashes are kept

    account = registration.register_enterprise(**step2(code=texted_code()))
    account.refresh_from_db()
    assert account.entity == entity and account.role == Role.ENTERPRISE and account.entity_role == "principal"
    assert account.is_active and account.joined_via == JoinedVia.SELF_REGISTRATION
    entry = AuditEntry.objects.get(action="account.self_register")
    assert entry.after["phone"] == "139****1111" and "password" not in entry.after


def test_a_stranger_with_the_licence_but_another_phone_gets_nothing(db, entity):
    """The USCC and licence number are on the wall; the phone the station holds is not."""
    with pytest.raises(ValidationError) as exc:
        send_code(phone="13800009999")
    assert exc.value.messages == [MISMATCH]
    assert sms.outbox == [] and not RegistrationCode.objects.exists()
    entry = AuditEntry.objects.get(action="account.self_register_failed")
    assert (
        entry.after["reason"] == "phone" and entry.after["phone"] == "138****9999" and entry.object_id == str(entity.pk)
    )
    with pytest.raises(ValidationError) as exc:  # and without a code, step 2 opens nothing
        registration.register_enterprise(**step2(phone="13800009999", code="123456"))
    assert exc.value.message_dict == {"code": [str(registration.CODE_INVALID)]}
    assert not User.objects.filter(role=Role.ENTERPRISE).exists()


@pytest.mark.parametrize(
    "change",
    [
        {"license_number": "JY23707250099999"},  # licence of nobody
        {"uscc": make_uscc(region="370725", org_base="MA3CJQ4Q")},  # USCC of nobody
    ],
)
def test_codes_that_name_no_entity_get_the_same_generic_refusal(db, entity, change):
    with pytest.raises(ValidationError) as exc:
        send_code(**change)
    assert exc.value.messages == [MISMATCH] and sms.outbox == []
    assert failures("mismatch") == 1


def test_a_closed_entity_cannot_register(db, entity):
    Entity.objects.filter(pk=entity.pk).update(status=Entity.Status.SUSPENDED)
    with pytest.raises(ValidationError) as exc:
        send_code()
    assert exc.value.messages == [MISMATCH]


def test_the_caller_cannot_choose_a_staff_role(db, entity):
    """Directors and officers are invited by the principal or the station; self-registration opens the principal."""
    send_code()
    with pytest.raises(ValidationError) as exc:
        registration.register_enterprise(**step2(code=texted_code(), entity_role="safety_director"))
    assert exc.value.message_dict == {"entity_role": [str(registration.ROLE_REFUSED)]}
    assert not User.objects.filter(role=Role.ENTERPRISE).exists() and failures("role") == 1


def test_a_code_is_single_use(db, entity):
    send_code()
    code = texted_code()
    registration.register_enterprise(**step2(code=code))
    with pytest.raises(ValidationError) as exc:
        registration.register_enterprise(**step2(code=code, username="again"))
    assert exc.value.message_dict == {"code": [str(registration.CODE_INVALID)]}
    assert User.objects.filter(role=Role.ENTERPRISE).count() == 1 and failures("no_code") == 1


def test_an_expired_code_is_refused(db, entity, monkeypatch):
    send_code()
    code = texted_code()
    later = timezone.now() + datetime.timedelta(minutes=11)  # the rule's default is 10 minutes
    monkeypatch.setattr(timezone, "now", lambda: later)
    with pytest.raises(ValidationError) as exc:
        registration.register_enterprise(**step2(code=code))
    assert exc.value.message_dict == {"code": [str(registration.CODE_INVALID)]}
    assert not User.objects.filter(role=Role.ENTERPRISE).exists()


def test_wrong_codes_use_up_the_tries(db, entity):
    send_code()
    code = texted_code()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _n in range(5):
        with pytest.raises(ValidationError) as exc:
            registration.register_enterprise(**step2(code=wrong))
        assert exc.value.message_dict == {"code": [str(registration.CODE_WRONG)]}
    assert RegistrationCode.objects.get().tries == 5 and failures("wrong_code") == 5
    with pytest.raises(ValidationError) as exc:  # the right code no longer helps
        registration.register_enterprise(**step2(code=code))
    assert exc.value.message_dict == {"code": [str(registration.CODE_INVALID)]}


def test_the_code_lifetime_is_a_rule_a_county_can_change(db, entity, monkeypatch):
    DeadlineRule.objects.create(
        code="accounts.registration_code_minutes", name="验证码", region_prefix="370725", unit="min", amount=30,
        valid_from=datetime.date(2020, 1, 1),
    )  # fmt: skip
    send_code()
    assert "30 分钟内有效" in sms.outbox[-1][1]
    later = timezone.now() + datetime.timedelta(minutes=20)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert registration.register_enterprise(**step2(code=texted_code())).entity == entity


def test_an_entity_with_a_principal_account_gets_no_second_one(db, entity):
    send_code()
    registration.register_enterprise(**step2(code=texted_code()))
    with pytest.raises(ValidationError) as exc:
        send_code()
    assert exc.value.messages == [str(registration.PRINCIPAL_EXISTS)]


def test_field_errors_are_named_before_any_code_is_checked(db, entity):
    with pytest.raises(ValidationError) as exc:
        registration.register_enterprise(
            **step2(uscc="", license_number=" ", name="", phone="abc", code="", password="1234")
        )
    assert set(exc.value.message_dict) == {"uscc", "license_number", "name", "phone", "code", "password"}
    assert not AuditEntry.objects.filter(action__startswith="account.self_register").exists()


# ---------------------------------------------------------------------------------------------- throttling


def test_failures_from_one_address_lock_it_out_and_a_forged_forwarded_for_does_not_help(db, entity, monkeypatch):
    monkeypatch.setattr(registration.rules, "value", _limit(3))
    client = Client(REMOTE_ADDR="203.0.113.5")
    nobody = make_uscc(region="370725", org_base="MA3CJQ4Q")  # guesses at other entities: only the address counts
    bad = {"action": "send_code", "uscc": nobody, "license_number": "JY23707250099999", "phone": PRINCIPAL_PHONE}
    for _n in range(3):
        assert client.post("/accounts/register/", bad).status_code == 200
    good = {**bad, "uscc": USCC, "license_number": LICENCE}
    forged = client.post("/accounts/register/", good, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert forged.status_code == 429 and "尝试次数过多" in forged.content.decode()
    assert sms.outbox == []
    refused = AuditEntry.objects.filter(action="account.self_register_failed", after__reason="throttled").get()
    assert refused.ip == "203.0.113.5"  # the peer, not the header it sent
    other = Client(REMOTE_ADDR="203.0.113.6")
    assert other.post("/accounts/register/", good).status_code == 200
    assert len(sms.outbox) == 1


def test_failures_aimed_at_one_entity_from_many_addresses_lock_the_entity(db, entity, monkeypatch):
    monkeypatch.setattr(registration.rules, "value", _limit(3))
    for n in range(3):
        Client(REMOTE_ADDR=f"203.0.113.{n + 10}").post(
            "/accounts/register/",
            {"action": "send_code", "uscc": USCC, "license_number": LICENCE, "phone": "13800009999"},
        )
    r = Client(REMOTE_ADDR="203.0.113.99").post(
        "/accounts/register/",
        {"action": "send_code", "uscc": USCC, "license_number": LICENCE, "phone": PRINCIPAL_PHONE},
    )
    assert r.status_code == 429 and sms.outbox == []


def test_behind_a_trusted_proxy_the_forwarded_client_is_the_key(db, entity, monkeypatch, settings):
    settings.SHIAN_TRUSTED_PROXIES = ["10.0.0.0/8"]
    monkeypatch.setattr(registration.rules, "value", _limit(2))
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    nobody = make_uscc(region="370725", org_base="MA3CJQ4Q")
    bad = {"action": "send_code", "uscc": nobody, "license_number": "JY23707250099999", "phone": PRINCIPAL_PHONE}
    for _n in range(2):
        proxy.post("/accounts/register/", bad, HTTP_X_FORWARDED_FOR="198.51.100.1, 10.0.0.3")
    assert set(AuditEntry.objects.values_list("ip", flat=True)) == {"198.51.100.1"}
    good = {**bad, "uscc": USCC, "license_number": LICENCE}
    assert proxy.post("/accounts/register/", good, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert proxy.post("/accounts/register/", good, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200


def _limit(n: int):
    """The throttle's rule values for a test: `n` failures in the window; other rules keep their defaults."""
    original = registration.rules.value

    def value(code, *args, **kwargs):
        return n if code == "accounts.self_register_failures" else original(code, *args, **kwargs)

    return value


# ---------------------------------------------------------------------------------------------- web and API


def test_the_two_steps_on_the_web_page_end_signed_in(db, entity):
    client = Client()
    assert "自助注册" in client.get("/accounts/login/").content.decode()
    first = client.post(
        "/accounts/register/",
        {"action": "send_code", "uscc": fullwidth(USCC).lower(), "license_number": LICENCE, "phone": PRINCIPAL_PHONE},
    )
    assert first.status_code == 200 and "139****1111" in first.content.decode()
    r = client.post(
        "/accounts/register/",
        {"action": "register", **step2(code=texted_code()), "password2": PASSWORD},
    )
    assert r.status_code == 302 and r.url == "/"
    assert client.get("/").context["user"].username == "zhaoliu"


def test_the_web_page_names_a_mismatch_without_saying_which_part(db, entity):
    r = Client().post(
        "/accounts/register/",
        {"action": "send_code", "uscc": USCC, "license_number": LICENCE, "phone": "13800009999"},
    )
    assert r.status_code == 200 and MISMATCH in r.content.decode()


def test_the_api_two_steps(db, entity):
    anonymous = Client(enforce_csrf_checks=True)
    code_url, register_url = "/api/v1/enterprise/register/code", "/api/v1/enterprise/register"
    r = anonymous.post(code_url, {"uscc": USCC, "license_number": LICENCE, "phone": "13800009999"}, "application/json")
    assert r.status_code == 422 and r.json()["message"] == MISMATCH
    r = anonymous.post(
        code_url, {"uscc": USCC, "license_number": LICENCE, "phone": PRINCIPAL_PHONE}, "application/json"
    )
    assert r.status_code == 202 and r.json()["phone"] == "139****1111"
    r = anonymous.post(register_url, step2(code=texted_code(), entity_role="safety_officer"), "application/json")
    assert r.status_code == 422 and not User.objects.filter(role=Role.ENTERPRISE).exists()
    r = anonymous.post(register_url, step2(code=texted_code()), "application/json")
    assert r.status_code == 201, r.content
    assert r.json()["entity_id"] == entity.pk and r.json()["phone"] == "139****1111"
