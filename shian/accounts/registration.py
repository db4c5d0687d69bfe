"""Self-registration of an enterprise account, proven by a one-time code sent to the principal's phone that the
regulator holds (docs/security.md, issue 16).

Knowing a shop's USCC and licence number proves nothing: both are printed on the licence on its wall. So a business
registers in two steps:

1. `send_registration_code(uscc, license_number, phone)`: the codes must name one operating entity and the phone must
   be its principal's phone in the registry (主要负责人, kept by the station). Only then is a code texted to that
   phone. Any mismatch gets one generic refusal that says not which part was wrong, and an audit entry.
2. `register_enterprise(..., code)`: the right, unexpired, unused code (a few tries at most) opens the principal's
   account. The caller does not choose a role: self-registration opens the principal only; colleagues are invited
   by the principal or the station (services.invite_entity_staff).

Failures are throttled per client address (the real one, core.clientip) and per entity, from the audit trail, so
neither rotating targets nor rotating addresses helps. Neither function is atomic as a whole: a failure's audit
entry (and a wrong try's count) must stay.
"""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shian.core import audit, rules, sms
from shian.core import context as audit_context
from shian.core.masking import mask_id_number, mask_phone
from shian.core.models import AuditEntry
from shian.entities.models import Entity, KeyPerson, License
from shian.entities.validators import validate_phone

from .models import JoinedVia, RegistrationCode, Role, User
from .ruledefs import REGISTRATION_CODE_MINUTES, REGISTRATION_CODE_TRIES, SELF_REGISTER_FAILURES, SELF_REGISTER_WINDOW
from .services import _new_enterprise_account, _person_errors, _save_new_account, normalize_code

PRINCIPAL = KeyPerson.Role.PRINCIPAL
SELF_REGISTER_MISMATCH = gettext_lazy(
    "统一社会信用代码、许可证编号与登记的负责人手机号不一致，或该主体未登记。请核对，或联系所在地市场监管所。"
)
SELF_REGISTER_THROTTLED = gettext_lazy("尝试次数过多，请稍后再试，或联系所在地市场监管所。")
CODE_INVALID = gettext_lazy("验证码无效、已使用或已过期，请重新获取。")
CODE_WRONG = gettext_lazy("验证码不正确。")
ROLE_REFUSED = gettext_lazy("自助注册只开通主要负责人账号；食品安全总监、食品安全员由负责人或市场监管所邀请开通。")
PRINCIPAL_EXISTS = gettext_lazy("该主体已开通主要负责人账号。如需找回账号，请联系所在地市场监管所。")


class TooManyAttempts(ValidationError):
    """Refused because of repeated failures from the same address or for the same entity (HTTP 429)."""


def _failed(*, reason: str, uscc: str, license_number: str = "", phone: str = "", entity: Entity | None) -> None:
    audit.record(
        actor=None,
        action="account.self_register_failed",
        object_type="entities.entity",
        object_id=str(entity.pk) if entity else "",
        region_code=entity.region_id if entity else "",
        after={
            "reason": reason,
            "uscc": mask_id_number(uscc),
            "license_number": mask_id_number(license_number),
            "phone": mask_phone(phone),
        },
    )


def _throttled(entity: Entity | None = None) -> bool:
    """Too many failures in the window from this client address, or aimed at this entity from anywhere."""
    limit = rules.value(SELF_REGISTER_FAILURES.code)
    since = timezone.now() - datetime.timedelta(minutes=rules.value(SELF_REGISTER_WINDOW.code))
    failures = AuditEntry.objects.filter(action="account.self_register_failed", at__gte=since)
    ip = audit_context.client_ip.get()
    if ip and failures.filter(ip=ip).count() >= limit:
        return True
    return entity is not None and failures.filter(object_id=str(entity.pk)).count() >= limit


def _refuse_if_throttled(*, uscc: str, entity: Entity | None = None) -> None:
    if _throttled(entity):
        _failed(reason="throttled", uscc=uscc, entity=entity)
        raise TooManyAttempts(SELF_REGISTER_THROTTLED, code="throttled")


def _entity_for(uscc: str, license_number: str) -> Entity | None:
    licence = (
        License.objects.select_related("entity")
        .filter(number=license_number, entity__uscc=uscc, entity__status=Entity.Status.OPERATING)
        .first()
    )
    return licence.entity if licence else None


def _principal_phones(entity: Entity) -> set[str]:
    phones = set()
    for raw in KeyPerson.objects.filter(entity=entity, role=PRINCIPAL).values_list("phone", flat=True):
        try:
            phones.add(validate_phone(raw))
        except ValidationError:
            continue
    return phones


def _codes_errors(uscc: str, license_number: str) -> dict:
    errors = {}
    if not uscc:
        errors["uscc"] = [_("请填写统一社会信用代码。")]
    if not license_number:
        errors["license_number"] = [_("请填写许可证编号。")]
    return errors


def send_registration_code(*, uscc: str, license_number: str, phone: str) -> str:
    """Step 1: text a code to the principal's registered phone when the three agree; returns the phone masked."""
    uscc, license_number = normalize_code(uscc), normalize_code(license_number)
    _refuse_if_throttled(uscc=uscc)
    errors = _codes_errors(uscc, license_number)
    try:
        phone = validate_phone(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if errors:
        raise ValidationError(errors)
    entity = _entity_for(uscc, license_number)
    if entity is None:
        holder = Entity.objects.filter(uscc=uscc).only("pk", "region_id").first()
        _failed(reason="mismatch", uscc=uscc, license_number=license_number, phone=phone, entity=holder)
        raise ValidationError(SELF_REGISTER_MISMATCH, code="mismatch")
    _refuse_if_throttled(uscc=uscc, entity=entity)
    if phone not in _principal_phones(entity):
        _failed(reason="phone", uscc=uscc, license_number=license_number, phone=phone, entity=entity)
        raise ValidationError(SELF_REGISTER_MISMATCH, code="mismatch")
    if User.objects.filter(entity=entity, role=Role.ENTERPRISE, entity_role=PRINCIPAL, is_active=True).exists():
        _failed(reason="principal_exists", uscc=uscc, license_number=license_number, phone=phone, entity=entity)
        raise ValidationError(PRINCIPAL_EXISTS, code="principal_exists")
    code = f"{secrets.randbelow(10**6):06d}"
    minutes = rules.value(REGISTRATION_CODE_MINUTES.code, entity.region_id)
    RegistrationCode.objects.create(
        entity=entity,
        phone_hash=RegistrationCode.digest("phone", phone),
        code_hash=RegistrationCode.digest("code", code),
        expires_at=timezone.now() + datetime.timedelta(minutes=minutes),
    )
    sms.send(
        phone,
        _("【食安】您正在为“%(entity)s”开通企业账号，验证码 %(code)s，%(minutes)d 分钟内有效。如非本人操作，请忽略。")
        % {"entity": entity.name, "code": code, "minutes": minutes},
    )
    audit.record(
        actor=None,
        action="account.registration_code",
        obj=entity,
        region_code=entity.region_id,
        after={"phone": phone, "expires_in_minutes": minutes},
    )
    return mask_phone(phone)


def register_enterprise(
    *,
    uscc: str,
    license_number: str,
    phone: str,
    code: str,
    name: str,
    username: str,
    password: str,
    entity_role: str = PRINCIPAL,
) -> User:
    """Step 2: the texted code opens the principal's account, active at once (see the module docstring)."""
    uscc, license_number = normalize_code(uscc), normalize_code(license_number)
    _refuse_if_throttled(uscc=uscc)
    if (entity_role or PRINCIPAL) != PRINCIPAL:
        _failed(reason="role", uscc=uscc, license_number=license_number, phone=phone, entity=None)
        raise ValidationError({"entity_role": [ROLE_REFUSED]}, code="role")
    errors = _codes_errors(uscc, license_number)
    person_errors, name, phone = _person_errors(name=name, phone=phone, entity_role=PRINCIPAL)
    errors.update(person_errors)
    code = "".join((code or "").split())
    if not code:
        errors["code"] = [_("请填写短信验证码。")]
    account, account_errors = _new_enterprise_account(
        username=username,
        password=password,
        entity=None,
        name=name,
        phone=phone,
        entity_role=PRINCIPAL,
        joined_via=JoinedVia.SELF_REGISTRATION,
    )
    errors.update(account_errors)
    if errors:  # the form's own errors first: their messages never depend on whether the codes matched
        raise ValidationError(errors)
    entity = _entity_for(uscc, license_number)
    _refuse_if_throttled(uscc=uscc, entity=entity)
    pending = (
        RegistrationCode.objects.filter(
            entity=entity,
            phone_hash=RegistrationCode.digest("phone", phone),
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            tries__lt=rules.value(REGISTRATION_CODE_TRIES.code, entity.region_id) if entity else 0,
        )
        .order_by("-created_at")
        .first()
        if entity
        else None
    )
    if pending is None:
        _failed(reason="no_code", uscc=uscc, license_number=license_number, phone=phone, entity=entity)
        raise ValidationError({"code": [CODE_INVALID]}, code="code")
    if not secrets.compare_digest(pending.code_hash, RegistrationCode.digest("code", code)):
        RegistrationCode.objects.filter(pk=pending.pk).update(tries=F("tries") + 1)
        _failed(reason="wrong_code", uscc=uscc, license_number=license_number, phone=phone, entity=entity)
        raise ValidationError({"code": [CODE_WRONG]}, code="code")
    return _register(account=account, entity=entity, password=password, pending=pending)


@transaction.atomic
def _register(*, account: User, entity: Entity, password: str, pending: RegistrationCode) -> User:
    spent = RegistrationCode.objects.filter(pk=pending.pk, used_at__isnull=True).update(used_at=timezone.now())
    if not spent:  # a concurrent request used it first
        raise ValidationError({"code": [CODE_INVALID]}, code="code")
    account.entity, account.region_id = entity, entity.region_id
    _save_new_account(account, password)
    audit.record(
        actor=account,
        action="account.self_register",
        obj=account,
        region_code=entity.region_id,
        after=audit.snapshot(account),
    )
    return account
