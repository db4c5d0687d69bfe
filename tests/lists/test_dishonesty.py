"""The serious-dishonesty list and joint punishment (docs/lists.md §2-§3): an entry only from a case decision,
a fixed term from the rule, credit repair, expiry; flags when a listed business's USCC or key person turns up on a
new licence or another business, matched on a keyed hash, shown masked; jurisdiction."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from shian.cases.models import Case
from shian.core.models import AuditEntry, DeadlineRule, Notification
from shian.entities import services as entity_services
from shian.entities.models import Entity, KeyPerson, License
from shian.lists.models import DishonestyEntry, JointFlag, ListedIdentity, RepairApplication
from shian.lists.selectors import public
from shian.lists.selectors import staff as selectors
from shian.lists.services import dishonesty as services
from shian.lists.services import joint

from .conftest import LEGAL_REP_ID, USCC, decided_case

pytestmark = pytest.mark.django_db


def test_a_case_penalty_puts_the_business_on_the_list_for_the_rule_term(lw):
    entry = services.list_from_case(actor=lw.reviewer, case=lw.case)
    assert entry.entity == lw.bad and entry.status == DishonestyEntry.Status.LISTED
    assert entry.legal_basis == lw.case.legal_basis
    assert entry.ends_on == entry.listed_on.replace(year=entry.listed_on.year + 3)
    assert lw.bad.pk in public.listings_of([lw.bad.pk])
    shown = public.listed_entries(prefix="370725")
    assert [row["entity"] for row in shown] == [lw.bad.name]
    assert set(shown[0]) == {"entity_id", "entity", "region", "legal_basis", "listed_on", "ends_on"}
    assert public.listed_entries(prefix="370304") == []
    assert AuditEntry.objects.filter(action="dishonesty.list", object_id=str(entry.pk)).exists()


def test_the_term_follows_the_rule_store(lw):
    DeadlineRule.objects.create(code="lists.dishonesty_term_years", name="期限", region_prefix="370725", version=2,
                                unit="n", amount=5, valid_from=datetime.date(2020, 1, 1))  # fmt: skip
    entry = services.list_from_case(actor=lw.reviewer, case=lw.case)
    assert entry.ends_on == entry.listed_on.replace(year=entry.listed_on.year + 5)


def test_a_list_entry_without_a_decision_is_refused(lw):
    with pytest.raises(ValidationError, match="须依据案件处理决定"):
        services.list_from_case(actor=lw.reviewer, case=None)
    open_case = Case.objects.create(
        number="AJ2026370725-00009", region_id=lw.bad.region_id, entity=lw.bad, title="调查中", created_by=lw.reviewer,
        opened_at=timezone.now(), decision_due=timezone.now() + datetime.timedelta(days=80),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="尚未作出处理决定"):
        services.list_from_case(actor=lw.reviewer, case=open_case, legal_basis="第一百二十四条")
    assert not DishonestyEntry.objects.exists()


def test_a_decision_of_no_penalty_or_without_legal_basis_is_refused(lw):
    none = decided_case(lw.reviewer, lw.second, number="AJ2026370725-00002", penalties=("none",))
    with pytest.raises(ValidationError, match="不予行政处罚"):
        services.list_from_case(actor=lw.reviewer, case=none)
    Case.objects.filter(pk=lw.case.pk).update(legal_basis="")
    lw.case.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.list_from_case(actor=lw.reviewer, case=lw.case, legal_basis="")
    assert "legal_basis" in exc.value.message_dict


def test_a_case_lists_its_business_once(lw):
    services.list_from_case(actor=lw.reviewer, case=lw.case)
    with pytest.raises(ValidationError, match="已据以列入"):
        services.list_from_case(actor=lw.reviewer, case=lw.case)


def test_the_id_number_is_kept_only_as_a_keyed_hash(lw):
    entry = services.list_from_case(actor=lw.reviewer, case=lw.case)
    person = ListedIdentity.objects.get(entry=entry, kind=ListedIdentity.Kind.PERSON)
    assert LEGAL_REP_ID not in person.digest and LEGAL_REP_ID not in person.masked
    assert person.masked == "1101**********002X"
    assert len(person.digest) == 64


def test_key_person_added_to_a_second_business_is_flagged_masked(lw):
    entry = services.list_from_case(actor=lw.reviewer, case=lw.case)
    person = entity_services.add_key_person(actor=lw.reviewer, entity=lw.second, role="principal", name="王大明",
                                            id_number=LEGAL_REP_ID.lower())  # fmt: skip
    flag = JointFlag.objects.get()
    assert (flag.entry, flag.entity, flag.kind) == (entry, lw.second, JointFlag.Kind.KEY_PERSON)
    assert (flag.source_kind, flag.source_id) == ("entities.keyperson", person.pk)
    assert flag.masked == "1101**********002X"
    assert list(selectors.flag_list(user=lw.drafter, status="open")) == [flag]
    assert Notification.objects.filter(user=lw.drafter, kind="lists.joint_flag").exists()


def test_a_new_licence_under_the_listed_uscc_is_flagged(lw):
    services.list_from_case(actor=lw.reviewer, case=lw.case)
    lic = entity_services.add_license(actor=lw.reviewer, entity=lw.bad, kind=License.Kind.STALL, number="摊2026-01")
    flag = JointFlag.objects.get()
    assert (flag.kind, flag.source_id, flag.masked) == (JointFlag.Kind.LICENCE, lic.pk, USCC)


def test_nobody_is_flagged_before_listing_or_after_removal(lw):
    entity_services.add_key_person(actor=lw.reviewer, entity=lw.second, role="principal", name="王大明",
                                   id_number=LEGAL_REP_ID)  # fmt: skip
    assert not JointFlag.objects.exists()
    entry = services.list_from_case(actor=lw.reviewer, case=lw.case)
    services.revoke(actor=lw.approver, entry=entry, reason="处罚决定被撤销")
    third = Entity.objects.create(name="第三家", region_id=lw.second.region_id, business_type="retail", address="x")
    entity_services.add_key_person(actor=lw.reviewer, entity=third, role="principal", name="王大明",
                                   id_number=LEGAL_REP_ID)  # fmt: skip
    assert not JointFlag.objects.exists()


def test_the_sweep_finds_key_persons_written_in_bulk(lw):
    joint.sweep()  # the first run sets the watermark
    services.list_from_case(actor=lw.reviewer, case=lw.case)
    KeyPerson.objects.bulk_create(
        [KeyPerson(entity=lw.second, role="principal", name="王大明", id_number=LEGAL_REP_ID)]
    )
    assert not JointFlag.objects.exists()  # bulk writes send no signal
    assert joint.sweep()["entities.keyperson"] == 1
    assert joint.sweep()["entities.keyperson"] == 0  # idempotent
    assert JointFlag.objects.count() == 1


def test_flags_are_handled_with_a_note(lw):
    services.list_from_case(actor=lw.reviewer, case=lw.case)
    entity_services.add_key_person(actor=lw.reviewer, entity=lw.second, role="principal", name="王大明",
                                   id_number=LEGAL_REP_ID)  # fmt: skip
    flag = JointFlag.objects.get()
    with pytest.raises(ValidationError, match="核查处理情况"):
        joint.handle(actor=lw.drafter, flag=flag, note="")
    with pytest.raises(Http404):
        joint.handle(actor=lw.outsider, flag=flag, note="看过")
    joint.handle(actor=lw.drafter, flag=flag, note="依法限制其担任负责人")
    assert JointFlag.objects.get().status == JointFlag.Status.HANDLED


def test_repair_by_the_business_then_review_removes_it_early(lw):
    entry = services.list_from_case(actor=lw.reviewer, case=lw.case)
    later = entry.listed_on + datetime.timedelta(days=400)
    app = services.apply_repair(
        actor=lw.enterprise, entry=entry, statement="已缴纳罚款，完成整改并公开承诺", today=later
    )
    with pytest.raises(ValidationError, match="待审核"):
        services.apply_repair(actor=lw.drafter, entry=entry, statement="再申请", today=later)
    with pytest.raises(PermissionDenied):
        services.review_repair(actor=lw.drafter, application=app, approve=True, note="同意", today=later)
    services.review_repair(actor=lw.approver, application=app, approve=True, note="符合修复条件", today=later)
    entry.refresh_from_db()
    assert entry.status == DishonestyEntry.Status.REPAIRED and entry.removed_on == later
    assert lw.bad.pk not in public.listings_of([lw.bad.pk], today=later)


def test_repair_is_refused_before_the_waiting_period(lw):
    entry = services.list_from_case(actor=lw.reviewer, case=lw.case)
    with pytest.raises(ValidationError, match="列入满规定期限后方可申请"):
        services.apply_repair(actor=lw.enterprise, entry=entry, statement="已整改")
    assert not RepairApplication.objects.exists()


def test_another_business_cannot_apply_for_repair(lw, make_user):
    from shian.accounts.models import Role

    entry = services.list_from_case(actor=lw.reviewer, case=lw.case)
    later = entry.listed_on + datetime.timedelta(days=400)
    stranger = make_user(Role.ENTERPRISE, lw.second.region_id, entity=lw.second, username="stranger")
    with pytest.raises(PermissionDenied):
        services.apply_repair(actor=stranger, entry=entry, statement="代申请", today=later)
    with pytest.raises(Http404):
        selectors.entry_get(user=stranger, pk=entry.pk)


def test_the_applicant_cannot_review_their_own_application(lw):
    entry = services.list_from_case(actor=lw.reviewer, case=lw.case)
    later = entry.listed_on + datetime.timedelta(days=400)
    app = services.apply_repair(actor=lw.approver, entry=entry, statement="代企业申请", today=later)
    with pytest.raises(ValidationError, match="申请人不能审核"):
        services.review_repair(actor=lw.approver, application=app, approve=True, note="同意")


def test_entries_expire_at_the_end_of_their_term_once(lw):
    entry = services.list_from_case(actor=lw.reviewer, case=lw.case)
    assert services.expire_due(today=entry.ends_on) == 0
    day_after = entry.ends_on + datetime.timedelta(days=1)
    assert services.expire_due(today=day_after) == 1
    assert services.expire_due(today=day_after) == 0
    entry.refresh_from_db()
    assert (entry.status, entry.removed_on) == (DishonestyEntry.Status.EXPIRED, entry.ends_on)


def test_another_countys_staff_cannot_see_or_list(lw):
    entry = services.list_from_case(actor=lw.reviewer, case=lw.case)
    assert not selectors.entry_list(user=lw.outsider).exists()
    with pytest.raises(Http404):
        selectors.entry_get(user=lw.outsider, pk=entry.pk)
    with pytest.raises(Http404):
        services.list_from_case(actor=lw.outsider, case=lw.case)
    assert list(selectors.entry_list(user=lw.enterprise)) == [entry]
