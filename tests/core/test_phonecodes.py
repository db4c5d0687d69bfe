"""One-time phone codes (shian.core.phonecodes, docs/security.md §2): hashes only, single use, expiry, a few
tries, limits per phone and per client address."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shian.core import context, phonecodes, sms
from shian.core.models import DeadlineRule, PhoneCode

pytestmark = pytest.mark.django_db
PHONE = "13812345678"
TEXT = "验证码 %(code)s，%(minutes)d 分钟内有效"


@pytest.fixture(autouse=True)
def _outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def _sent_code() -> str:
    return re.search(r"\d{6}", sms.outbox[-1][1]).group(0)


def test_a_code_is_texted_and_only_its_hashes_are_kept():
    minutes = phonecodes.send_code(purpose="vote.1", phone=PHONE, text=TEXT)
    code = _sent_code()
    stored = PhoneCode.objects.get()
    assert sms.outbox[-1][0] == PHONE and f"{minutes} 分钟" in sms.outbox[-1][1]
    assert PHONE not in (stored.phone_hash + stored.code_hash) and code not in stored.code_hash
    assert stored.expires_at > timezone.now()


def test_the_right_code_verifies_once_and_returns_the_phone_hash_of_its_purpose():
    phonecodes.send_code(purpose="vote.1", phone=PHONE, text=TEXT)
    code = _sent_code()
    digest = phonecodes.verify_code(purpose="vote.1", phone=PHONE, code=code)
    assert digest == phonecodes.phone_digest("vote.1", PHONE) != phonecodes.phone_digest("vote.2", PHONE)
    with pytest.raises(ValidationError) as exc:
        phonecodes.verify_code(purpose="vote.1", phone=PHONE, code=code)
    assert "已使用" in str(exc.value)


def test_a_code_of_another_purpose_or_phone_does_not_verify():
    phonecodes.send_code(purpose="vote.1", phone=PHONE, text=TEXT)
    code = _sent_code()
    for purpose, phone in (("vote.2", PHONE), ("vote.1", "13912345678")):
        with pytest.raises(ValidationError):
            phonecodes.verify_code(purpose=purpose, phone=phone, code=code)


def test_wrong_codes_count_tries_and_the_limit_spends_the_code():
    phonecodes.send_code(purpose="vote.1", phone=PHONE, text=TEXT)
    code = _sent_code()
    wrong = "000000" if code != "000000" else "111111"
    tries = 5  # the default of phonecodes.tries
    for _ in range(tries):
        with pytest.raises(ValidationError) as exc:
            phonecodes.verify_code(purpose="vote.1", phone=PHONE, code=wrong)
        assert "不正确" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        phonecodes.verify_code(purpose="vote.1", phone=PHONE, code=code)
    assert "无效" in str(exc.value)


def test_an_expired_code_is_refused():
    phonecodes.send_code(purpose="vote.1", phone=PHONE, text=TEXT)
    PhoneCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(ValidationError):
        phonecodes.verify_code(purpose="vote.1", phone=PHONE, code=_sent_code())


def test_an_empty_code_names_the_field():
    with pytest.raises(ValidationError) as exc:
        phonecodes.verify_code(purpose="vote.1", phone=PHONE, code=" ")
    assert "code" in exc.value.message_dict


def test_sending_is_limited_per_phone():
    DeadlineRule.objects.create(code="phonecodes.per_phone", name="限额", region_prefix="", version=1, unit="n",
                                amount=2, valid_from=datetime.date(2024, 1, 1), source="测试")  # fmt: skip
    limit = phonecodes.rules.value("phonecodes.per_phone")
    assert limit == 2
    for _ in range(limit):
        phonecodes.send_code(purpose="vote.1", phone=PHONE, text=TEXT)
    with pytest.raises(phonecodes.TooManyCodes):
        phonecodes.send_code(purpose="vote.1", phone=PHONE, text=TEXT)
    assert len(sms.outbox) == limit
    phonecodes.send_code(purpose="vote.1", phone="13912345678", text=TEXT)  # another phone still may


def test_sending_is_limited_per_client_address():
    token = context.client_ip.set("203.0.113.9")
    try:
        limit = phonecodes.rules.value("phonecodes.per_address")
        for n in range(limit):
            phonecodes.send_code(purpose="vote.1", phone=f"1381234{n:04d}", text=TEXT)
        with pytest.raises(phonecodes.TooManyCodes):
            phonecodes.send_code(purpose="vote.1", phone="13999999999", text=TEXT)
    finally:
        context.client_ip.reset(token)
    phonecodes.send_code(purpose="vote.1", phone="13999999999", text=TEXT)  # another address still may
