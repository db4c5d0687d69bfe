"""红黑榜 editions (docs/lists.md §1): proposed from records, traced to them, two distinct approvals besides the
drafter, then the public selectors and the poster; the bad inputs of issue 22 and jurisdiction."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from shian.core.models import AuditEntry, Notification
from shian.lists.models import Edition, EditionLine
from shian.lists.selectors import candidates, public
from shian.lists.selectors import staff as selectors
from shian.lists.services import editions as services
from shian.lists.services import poster as posters

pytestmark = pytest.mark.django_db


def _sources(rows):
    return {(c.source_kind, c.source_id) for c in rows}


def _draft_with_lines(lw) -> Edition:
    edition = services.create(actor=lw.drafter, region_code="370725")
    proposed = candidates.propose(edition)
    for c in proposed["black"] + proposed["red"]:
        services.add_line(actor=lw.drafter, edition=edition, source_kind=c.source_kind, source_id=c.source_id,
                          reason=c.reason)  # fmt: skip
    return edition


def test_candidates_come_from_penalties_failed_samples_and_a_grades(lw):
    edition = services.create(actor=lw.drafter, region_code="370725")
    proposed = candidates.propose(edition)
    assert ("cases.case", lw.case.pk) in _sources(proposed["black"])
    assert ("sampling.sample", lw.sample.pk) in _sources(proposed["black"])
    assert _sources(proposed["red"]) == {("inspections.cateringyeargrade", lw.grade.pk)}


def test_a_business_with_a_penalty_is_not_proposed_for_the_red_board(lw):
    from shian.inspections.models import CateringYearGrade

    CateringYearGrade.objects.create(entity=lw.bad, year=lw.grade.year, grade="A")
    edition = services.create(actor=lw.drafter, region_code="370725")
    assert lw.bad.pk not in {c.entity_id for c in candidates.propose(edition)["red"]}


def test_edition_goes_from_draft_through_two_approvals_to_public_selectors_and_poster(lw):
    edition = _draft_with_lines(lw)
    assert EditionLine.objects.filter(edition=edition).count() == 3
    edition = services.review(actor=lw.reviewer, edition=edition)
    assert edition.status == Edition.Status.REVIEWED
    assert Notification.objects.filter(user=lw.approver, kind="lists.edition_waiting").exists()
    assert not Notification.objects.filter(user=lw.reviewer, kind="lists.edition_waiting").exists()
    edition = services.approve(actor=lw.approver, edition=edition)
    assert edition.status == Edition.Status.APPROVED
    name, data = posters.poster(
        actor=lw.drafter, edition=edition, online_url="https://shian.example/public/editions/1/"
    )
    assert data.startswith(b"%PDF") and name.endswith(".pdf")
    assert edition not in public.published_editions(prefix="370725")
    edition = services.publish(actor=lw.drafter, edition=edition)
    assert list(public.published_editions(prefix="370725")) == [edition]
    lines = public.edition_lines(edition)
    assert {(line["board"], line["entity"]) for line in lines} == {
        ("black", lw.bad.name), ("black", lw.shop.name), ("red", lw.good.name)
    }  # fmt: skip
    assert all("source_id" not in line for line in lines)  # no record numbers on the public side
    actions = set(AuditEntry.objects.filter(object_id=str(edition.pk), object_type="lists.edition")
                  .values_list("action", flat=True))  # fmt: skip
    assert {"edition.create", "edition.review", "edition.approve", "edition.publish", "edition.poster"} <= actions


def test_each_line_keeps_the_record_it_came_from(lw):
    edition = _draft_with_lines(lw)
    line = EditionLine.objects.get(edition=edition, entity=lw.bad)
    assert (line.source_kind, line.source_id, line.board) == ("cases.case", lw.case.pk, "black")
    assert selectors.lines_of(edition)["black"][0]["url"].startswith("/cases/")


def test_the_drafter_cannot_review_their_own_edition(lw):
    edition = _draft_with_lines(lw)
    with pytest.raises(ValidationError, match="起草人不能审核"):
        services.review(actor=lw.drafter, edition=edition)


def test_the_reviewer_cannot_also_approve(lw):
    edition = services.review(actor=lw.reviewer, edition=_draft_with_lines(lw))
    with pytest.raises(ValidationError, match="审核与批准须由两名不同人员"):
        services.approve(actor=lw.reviewer, edition=edition)
    assert Edition.objects.get(pk=edition.pk).status == Edition.Status.REVIEWED


def test_the_drafter_cannot_approve_even_when_an_administrator(lw, make_user):
    from shian.accounts.models import Role

    boss = make_user(Role.COUNTY_ADMIN, "370725", username="boss_drafter")
    edition = services.create(actor=boss, region_code="370725")
    services.add_line(actor=boss, edition=edition, source_kind="cases.case", source_id=lw.case.pk, reason="处罚")
    edition = services.review(actor=lw.reviewer, edition=edition)
    with pytest.raises(ValidationError, match="起草人不能批准"):
        services.approve(actor=boss, edition=edition)


def test_station_staff_cannot_approve(lw, make_user):
    from shian.accounts.models import Role

    staff = make_user(Role.STATION_STAFF, "370725", username="staff2")
    edition = services.review(actor=lw.reviewer, edition=_draft_with_lines(lw))
    with pytest.raises(PermissionDenied):
        services.approve(actor=staff, edition=edition)


def test_a_poster_is_refused_for_an_edition_not_approved(lw):
    edition = _draft_with_lines(lw)
    with pytest.raises(ValidationError, match="经批准或已发布后才能生成"):
        posters.poster(actor=lw.drafter, edition=edition, online_url="https://x/")
    edition = services.review(actor=lw.reviewer, edition=edition)
    with pytest.raises(ValidationError):
        posters.poster(actor=lw.drafter, edition=edition, online_url="https://x/")


def test_an_empty_edition_cannot_be_reviewed(lw):
    edition = services.create(actor=lw.drafter, region_code="370725")
    with pytest.raises(ValidationError, match="没有任何条目"):
        services.review(actor=lw.reviewer, edition=edition)


def test_lines_are_frozen_once_reviewed(lw):
    edition = services.review(actor=lw.reviewer, edition=_draft_with_lines(lw))
    line = EditionLine.objects.filter(edition=edition).first()
    with pytest.raises(ValidationError, match="不能再修改"):
        services.update_line(actor=lw.drafter, line=line, reason="改一下")
    with pytest.raises(ValidationError):
        services.add_line(actor=lw.drafter, edition=edition, source_kind="sampling.sample", source_id=lw.sample.pk,
                          reason="x")  # fmt: skip


def test_a_line_needs_a_real_record_in_the_region_and_a_reason(lw):
    edition = services.create(actor=lw.drafter, region_code="370725")
    with pytest.raises(ValidationError, match="来源记录不存在"):
        services.add_line(actor=lw.drafter, edition=edition, source_kind="cases.case", source_id=999999, reason="x")
    with pytest.raises(ValidationError, match="来源记录不存在"):
        services.add_line(actor=lw.drafter, edition=edition, source_kind="entities.entity", source_id=lw.bad.pk,
                          reason="x")  # fmt: skip
    with pytest.raises(ValidationError, match="上榜理由"):
        services.add_line(actor=lw.drafter, edition=edition, source_kind="cases.case", source_id=lw.case.pk,
                          reason="  ")  # fmt: skip
    with pytest.raises(ValidationError, match="只能列入黑榜"):
        services.add_line(actor=lw.drafter, edition=edition, source_kind="cases.case", source_id=lw.case.pk,
                          reason="处罚", board="red")  # fmt: skip


def test_lines_can_be_reordered_edited_and_removed_in_a_draft(lw):
    edition = _draft_with_lines(lw)
    black = list(EditionLine.objects.filter(edition=edition, board="black").order_by("position"))
    services.move_line(actor=lw.drafter, line=black[1], up=True)
    assert [line.pk for line in EditionLine.objects.filter(edition=edition, board="black").order_by("position")] == [
        black[1].pk, black[0].pk
    ]  # fmt: skip
    services.update_line(actor=lw.drafter, line=black[0], reason="新的理由")
    assert EditionLine.objects.get(pk=black[0].pk).reason == "新的理由"
    services.remove_line(actor=lw.drafter, line=black[0])
    assert not EditionLine.objects.filter(pk=black[0].pk).exists()


def test_withdrawn_editions_leave_the_public_side(lw):
    edition = services.approve(actor=lw.approver, edition=services.review(actor=lw.reviewer,
                                                                          edition=_draft_with_lines(lw)))  # fmt: skip
    edition = services.publish(actor=lw.drafter, edition=edition)
    with pytest.raises(ValidationError, match="撤回理由"):
        services.withdraw(actor=lw.approver, edition=edition, reason="")
    services.withdraw(actor=lw.approver, edition=edition, reason="名单有误")
    assert not public.published_editions(prefix="370725").exists()
    assert public.listings_of([lw.bad.pk]) == {}


def test_editions_are_drafted_only_for_a_county_or_above(lw):
    with pytest.raises(ValidationError, match="县级及以上"):
        services.create(actor=lw.drafter, region_code="370725001")


def test_another_countys_staff_can_neither_see_nor_act(lw):
    edition = _draft_with_lines(lw)
    assert not selectors.edition_list(user=lw.outsider).exists()
    with pytest.raises(Http404):
        selectors.edition_get(user=lw.outsider, pk=edition.pk)
    with pytest.raises(Http404):
        services.review(actor=lw.outsider, edition=edition)
    with pytest.raises(Http404):
        services.create(actor=lw.outsider, region_code="370725")
    assert Edition.objects.get(pk=edition.pk).status == Edition.Status.DRAFT


def test_enterprise_accounts_cannot_draft(lw):
    with pytest.raises(PermissionDenied):
        services.create(actor=lw.enterprise, region_code="370725")
