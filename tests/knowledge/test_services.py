"""Scheduling, drawing papers, the clock, scoring and results per township, through the services."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from shian.core.models import AuditEntry, Notification
from shian.entities.models import Entity
from shian.knowledge import papers, selectors, services
from shian.knowledge.models import Attempt, KnowledgeTest, Question, Target

from .conftest import BAODU, QIAOGUAN, general_bank, own_bank, schedule

NOW = timezone.make_aware(datetime.datetime(2026, 3, 16, 9, 0))


def minutes(n):
    return datetime.timedelta(minutes=n)


def answer_all(attempt, right=True) -> dict:
    return {str(q["id"]): (q["answer"] if right else ("B" if q["answer"] == "A" else "A")) for q in attempt.paper}


# -- scheduling -----------------------------------------------------------------------------------------------


def test_schedule_chosen_entities_notifies_those_asked_and_is_audited(world):
    general_bank()
    test = schedule(world.station, entities=[world.restaurant, world.factory], target_roles=["safety_officer"])
    assert test.region_id == BAODU and test.selection == "chosen" and test.target_roles == "|safety_officer|"
    assert set(Target.objects.filter(test=test).values_list("entity_id", flat=True)) == {
        world.restaurant.pk, world.factory.pk,
    }  # fmt: skip
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"officer"}  # the officer only: not the principal, not the account without a post
    note = Notification.objects.get()
    assert "2026 年第一次监督抽考" in note.text and note.url == "/knowledge/"
    entry = AuditEntry.objects.get(action="knowledge.schedule")
    assert entry.region_code == BAODU and sorted(entry.after["entities"]) == sorted(
        [world.restaurant.pk, world.factory.pk]
    )


def test_all_posts_test_notifies_every_account_including_one_without_a_post(world):
    general_bank()
    schedule(world.county, entities=[world.restaurant])
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"boss", "officer", "nobody"}


def test_entities_outside_the_jurisdiction_are_404(world):
    general_bank()
    with pytest.raises(Http404):
        schedule(world.station, entities=[world.restaurant, world.eatery])  # 乔官镇 is not the station's
    with pytest.raises(Http404):
        schedule(world.county, entities=[world.elsewhere])
    assert not KnowledgeTest.objects.exists()


@pytest.mark.parametrize("who", ["cadre", "officer", "auditor"])
def test_only_regulators_schedule(world, who):
    general_bank()
    with pytest.raises(PermissionDenied):
        schedule(getattr(world, who), entities=[world.restaurant])


def test_bad_settings_are_refused_by_field(world):
    general_bank()
    with pytest.raises(ValidationError) as caught:
        schedule(
            world.station, entities=[world.restaurant], title=" ", closes_at=NOW - minutes(10), opens_at=NOW,
            duration_minutes=2, pass_mark=101, target_roles=["chef"], now=NOW,
        )  # fmt: skip
    errors = caught.value.message_dict
    assert errors["title"] == ["请填写抽考名称（不超过 100 字）。"]
    assert errors["closes_at"] == ["截止时间须晚于开始时间。"]
    assert errors["duration_minutes"] == ["答题时长应为 5 到 180 分钟。"]
    assert errors["pass_mark"] == ["合格线应为 1 到 100（%）。"]
    assert errors["target_roles"] == ["抽考岗位应为主要负责人、食品安全总监或食品安全员。"]
    with pytest.raises(ValidationError) as caught:
        schedule(world.station)
    assert caught.value.message_dict["entity_ids"] == ["请选择抽考主体，或填写随机抽取的主体数量。"]


def test_a_bank_too_small_for_the_paper_is_named(world):
    own_bank(
        [("single", f"餐饮题{i}", ["甲", "乙"], "A", (), ("catering",)) for i in range(4)]
        + [("single", f"负责人题{i}", ["甲", "乙"], "A", ("principal",), ("catering",)) for i in range(2)]
    )
    with pytest.raises(ValidationError) as caught:
        schedule(world.county, entities=[world.restaurant, world.canteen], question_count=5)
    assert caught.value.message_dict["question_count"] == [
        "题库中适用的题目不足每份试卷 5 道：“单位食堂·食品安全总监”只有 0 道；“餐饮服务·食品安全员”只有 4 道。"
        "请减少题目数量或补充题库。"
    ]  # the principal (6) and the account without a post (6: every post's questions) have enough
    assert schedule(world.county, entities=[world.restaurant], question_count=5, target_roles=["principal"])


def test_random_sample_picks_n_distinct_entities_in_scope_of_the_types(world):
    general_bank()
    extra = [
        Entity.objects.create(name=f"宝都餐馆{i}", region_id="370725001001", business_type="catering", address="x")
        for i in range(6)
    ]
    Entity.objects.create(name="停业餐馆", region_id="370725001001", business_type="catering", address="x",
                          status=Entity.Status.SUSPENDED)  # fmt: skip
    pool = {world.restaurant.pk, *(e.pk for e in extra)}  # the operating catering entities of 宝都街道
    seen = set()
    for _n in range(5):
        test = schedule(world.station, sample_size=4, business_types=["catering"])
        picked = list(Target.objects.filter(test=test).values_list("entity_id", flat=True))
        assert len(picked) == len(set(picked)) == 4 and set(picked) <= pool
        assert test.selection == "random" and test.sample_size == 4 and test.business_types == "|catering|"
        seen |= set(picked)
    assert len(seen) > 4  # drawn at random, not the first four
    with pytest.raises(ValidationError) as caught:
        schedule(world.station, sample_size=8, business_types=["catering"])
    assert caught.value.message_dict["sample_size"] == ["区域内符合条件的在营主体只有 7 户，少于抽取数量 8 户。"]
    county_test = schedule(world.county, sample_size=9)  # all 昌乐县 entities: none of 博山区
    assert Target.objects.filter(test=county_test).count() == 9
    assert not Target.objects.filter(test=county_test, entity=world.elsewhere).exists()


# -- papers ---------------------------------------------------------------------------------------------------


@pytest.fixture
def bank(world):
    """Questions by post and type, so a paper's contents show what it was drawn from."""
    return own_bank(
        [("single", f"通用{i}", ["甲", "乙"], "A", (), ()) for i in range(3)]
        + [("single", f"安全员餐饮{i}", ["甲", "乙"], "A", ("safety_officer",), ("catering",)) for i in range(3)]
        + [("judge", f"负责人{i}", [], "T", ("principal",), ()) for i in range(3)]
        + [("multiple", f"食堂{i}", ["甲", "乙", "丙"], "AB", (), ("canteen",)) for i in range(3)]
        + [("single", f"生产{i}", ["甲", "乙"], "B", (), ("production",)) for i in range(3)]
    )


def texts(attempt) -> set[str]:
    return {q["text"] for q in attempt.paper}


def test_paper_is_drawn_for_the_post_and_business_type_and_stored(world, bank):
    test = schedule(world.county, entities=[world.restaurant, world.canteen], question_count=5, now=NOW)
    officer = services.start_attempt(actor=world.officer, test=test, now=NOW)
    assert len(officer.paper) == 5 and len({q["id"] for q in officer.paper}) == 5
    assert texts(officer) <= {f"通用{i}" for i in range(3)} | {f"安全员餐饮{i}" for i in range(3)}
    boss = services.start_attempt(actor=world.boss, test=test, now=NOW)
    assert texts(boss) <= {f"通用{i}" for i in range(3)} | {f"负责人{i}" for i in range(3)}
    director = services.start_attempt(actor=world.canteen_director, test=test, now=NOW)
    assert texts(director) <= {f"通用{i}" for i in range(3)} | {f"食堂{i}" for i in range(3)}
    # stored and reproducible: the seed redraws the same ids; the snapshot keeps text and answers
    candidates = selectors.matching_questions(role="safety_officer", business_type="catering").values_list(
        "pk", flat=True
    )
    assert papers.draw(candidates, 5, officer.seed) == [q["id"] for q in officer.paper]
    assert officer.deadline == NOW + minutes(30) and officer.max_score == 5
    assert AuditEntry.objects.filter(action="knowledge.attempt.start", object_id=str(officer.pk)).exists()


def test_starting_again_returns_the_same_paper_and_bank_edits_do_not_change_it(world, bank):
    test = schedule(world.county, entities=[world.restaurant], question_count=4, now=NOW)
    first = services.start_attempt(actor=world.officer, test=test, now=NOW)
    paper = list(first.paper)
    for question in Question.objects.filter(pk__in=[q["id"] for q in paper]):
        question.text, question.answer = f"改过的{question.text}", "B"
        question.save()
    again = services.start_attempt(actor=world.officer, test=test, now=NOW + minutes(3))
    assert again.pk == first.pk and again.paper == paper and again.started_at == NOW
    assert Attempt.objects.filter(test=test).count() == 1


def test_a_post_not_targeted_cannot_sit_and_a_blank_post_sits_only_all_post_tests(world, bank):
    officers_only = schedule(world.county, entities=[world.restaurant], target_roles=["safety_officer"], now=NOW)
    for user in (world.boss, world.nobody):
        with pytest.raises(Http404):
            services.start_attempt(actor=user, test=officers_only, now=NOW)
    everyone = schedule(world.county, entities=[world.restaurant], question_count=3, now=NOW)
    attempt = services.start_attempt(actor=world.nobody, test=everyone, now=NOW)
    assert len(attempt.paper) == 3
    with pytest.raises(Http404):  # an entity not covered
        services.start_attempt(actor=world.eatery_officer, test=everyone, now=NOW)


def test_window_and_cancellation(world, bank):
    test = schedule(world.county, entities=[world.restaurant], opens_at=NOW + minutes(60),
                    closes_at=NOW + minutes(180), now=NOW)  # fmt: skip
    with pytest.raises(ValidationError, match="抽考尚未开始"):
        services.start_attempt(actor=world.officer, test=test, now=NOW)
    with pytest.raises(ValidationError, match="抽考已截止"):
        services.start_attempt(actor=world.officer, test=test, now=NOW + minutes(180))
    late = services.start_attempt(actor=world.officer, test=test, now=NOW + minutes(170))
    assert late.deadline == test.closes_at  # the paper never runs past the test's close
    with pytest.raises(Http404):  # a covered entity's township cannot cancel a county test
        services.cancel_test(actor=world.outsider, test=test)
    services.cancel_test(actor=world.county, test=test)
    with pytest.raises(ValidationError, match="已取消"):
        services.start_attempt(actor=world.boss, test=test, now=NOW + minutes(90))


# -- the clock and scoring ------------------------------------------------------------------------------------


@pytest.fixture
def sitting(world, bank):
    test = schedule(world.county, entities=[world.restaurant], question_count=5, pass_mark=80, now=NOW)
    return test, services.start_attempt(actor=world.officer, test=test, now=NOW)


def test_submit_in_time_is_scored_server_side(world, sitting):
    _test, attempt = sitting
    answers = answer_all(attempt)
    wrong = attempt.paper[0]
    answers[str(wrong["id"])] = "B" if wrong["answer"] != "B" else "A"
    if wrong["kind"] == "judge":
        answers[str(wrong["id"])] = "F"
    done = services.submit_attempt(actor=world.officer, attempt=attempt, answers=answers, now=NOW + minutes(29))
    points = sum(q["points"] for q in attempt.paper)
    earned = points - wrong["points"]
    assert (done.score, done.max_score) == (earned, points)
    assert done.percent == Decimal(100 * earned / points).quantize(Decimal("0.1"))
    assert done.passed is (done.percent >= 80) and not done.auto_submitted
    with pytest.raises(ValidationError, match="不能重复提交"):
        services.submit_attempt(
            actor=world.officer, attempt=attempt, answers=answer_all(attempt), now=NOW + minutes(29)
        )


def test_answers_after_the_deadline_are_refused_and_the_saved_ones_handed_in(world, sitting):
    _test, attempt = sitting
    first = attempt.paper[0]
    services.save_answers(actor=world.officer, attempt=attempt, answers={str(first["id"]): first["answer"]},
                          now=NOW + minutes(10))  # fmt: skip
    with pytest.raises(ValidationError, match="答题时间已到"):
        services.save_answers(actor=world.officer, attempt=attempt, answers=answer_all(attempt), now=NOW + minutes(31))
    with pytest.raises(services.PaperClosed):
        services.submit_attempt(
            actor=world.officer, attempt=attempt, answers=answer_all(attempt), now=NOW + minutes(31)
        )
    attempt.refresh_from_db()
    assert attempt.auto_submitted and attempt.submitted_at == attempt.deadline == NOW + minutes(30)
    assert attempt.answers == {str(first["id"]): first["answer"]}
    assert attempt.score == first["points"] and attempt.passed is False


def test_a_few_seconds_late_still_counts(world, sitting):
    _test, attempt = sitting
    done = services.submit_attempt(
        actor=world.officer, attempt=attempt, answers=answer_all(attempt), now=NOW + minutes(30) + services.GRACE
    )
    assert done.passed and not done.auto_submitted


def test_frozen_clock_through_timezone_now(world, sitting, monkeypatch):
    """The services read django.utils.timezone.now when not given a time."""
    _test, attempt = sitting
    monkeypatch.setattr(timezone, "now", lambda: NOW + minutes(45))
    with pytest.raises(services.PaperClosed):
        services.submit_attempt(actor=world.officer, attempt=attempt, answers=answer_all(attempt))


def test_close_expired_hands_in_forgotten_papers(world, sitting):
    test, attempt = sitting
    assert services.close_expired(now=NOW + minutes(20)) == 0
    assert services.close_expired(now=NOW + minutes(40)) == 1
    attempt.refresh_from_db()
    assert attempt.auto_submitted and attempt.score == 0 and attempt.passed is False
    assert services.close_expired(now=NOW + minutes(50)) == 0


def test_someone_else_cannot_submit_my_paper(world, sitting):
    _test, attempt = sitting
    with pytest.raises(Http404):
        services.submit_attempt(actor=world.boss, attempt=attempt, answers={}, now=NOW)
    with pytest.raises(PermissionDenied):
        services.submit_attempt(actor=world.county, attempt=attempt, answers={}, now=NOW)


# -- results --------------------------------------------------------------------------------------------------


def test_results_per_township_match_the_records(world, bank):
    test = schedule(world.county, entities=[world.restaurant, world.factory, world.eatery, world.canteen],
                    question_count=4, now=NOW)  # fmt: skip
    sat = {}
    for user, right in ((world.boss, True), (world.officer, False), (world.eatery_officer, True)):
        attempt = services.start_attempt(actor=user, test=test, now=NOW)
        sat[user.username] = services.submit_attempt(actor=user, attempt=attempt, answers=answer_all(attempt, right),
                                                     now=NOW + minutes(5))  # fmt: skip
    services.start_attempt(actor=world.canteen_director, test=test, now=NOW)  # started, not handed in
    results = selectors.results_by_township(user=world.county, test=test)
    by_code = {r["code"]: r for r in results["rows"]}
    assert set(by_code) == {BAODU, QIAOGUAN}
    baodu, qiaoguan = by_code[BAODU], by_code[QIAOGUAN]
    assert baodu["name"] == "宝都街道" and qiaoguan["name"] == "乔官镇"
    # 宝都街道: restaurant (boss, officer, nobody) + factory (no account)
    assert (baodu["targeted"], baodu["eligible"], baodu["started"], baodu["taken"], baodu["passed"]) == (2, 3, 2, 2, 1)
    assert baodu["pass_rate"] == 50.0 and baodu["take_rate"] == 66.7
    # 乔官镇: eatery (officer) + canteen (director, started only)
    assert (qiaoguan["targeted"], qiaoguan["eligible"], qiaoguan["started"], qiaoguan["taken"], qiaoguan["passed"]) == (
        2, 2, 2, 1, 1,
    )  # fmt: skip
    total = results["total"]
    assert (total["targeted"], total["eligible"], total["taken"], total["passed"], total["failed"]) == (4, 5, 3, 2, 1)
    # the same figures recounted from the rows themselves
    submitted = Attempt.objects.filter(test=test, submitted_at__isnull=False)
    assert total["taken"] == submitted.count() and total["passed"] == submitted.filter(passed=True).count()
    # the station of 宝都街道 sees its township only; the outsider sees nothing
    station = selectors.results_by_township(user=world.station, test=test)
    assert [r["code"] for r in station["rows"]] == [BAODU] and station["total"]["taken"] == 2
    with pytest.raises(Http404):
        selectors.test_get(user=world.outsider, pk=test.pk)
    people = selectors.people(user=world.county, test=test)
    assert len(people) == 6  # boss, officer, nobody, factory (no account), eatery officer, canteen director
    assert [r["user"] is None for r in people].count(True) == 1


def test_role_limited_tests_count_only_accounts_in_those_posts(world, bank):
    test = schedule(world.county, entities=[world.restaurant, world.canteen], target_roles=["safety_officer"],
                    question_count=3, now=NOW)  # fmt: skip
    total = selectors.results_by_township(user=world.county, test=test)["total"]
    assert (total["targeted"], total["eligible"]) == (2, 1)  # only the restaurant's officer
    totals = selectors.results_by_test(user=world.county, tests=[test])
    assert totals[test.pk]["eligible"] == 1
