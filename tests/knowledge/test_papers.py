"""Papers as data: reproducible draws, reading answers, scoring each question type."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shian.knowledge import papers

PAPER = [
    {
        "id": 11,
        "kind": "single",
        "text": "单选",
        "options": ["甲", "乙", "丙"],
        "answer": "B",
        "points": 1,
        "explanation": "",
    },
    {
        "id": 12,
        "kind": "multiple",
        "text": "多选",
        "options": ["甲", "乙", "丙", "丁"],
        "answer": "ACD",
        "points": 2,
        "explanation": "",
    },  # fmt: skip
    {"id": 13, "kind": "judge", "text": "判断对", "options": [], "answer": "T", "points": 1, "explanation": ""},
    {"id": 14, "kind": "judge", "text": "判断错", "options": [], "answer": "F", "points": 1, "explanation": ""},
]


def test_draw_is_reproducible_from_its_seed_and_respects_the_count():
    ids = list(range(1, 41))
    first = papers.draw(ids, 10, seed=20260301)
    assert len(first) == len(set(first)) == 10 and set(first) <= set(ids)
    assert papers.draw(reversed(ids), 10, seed=20260301) == first  # the order candidates come in does not matter
    assert papers.draw(ids, 10, seed=20260302) != first
    assert sorted(papers.draw(ids[:4], 10, seed=1)) == ids[:4]  # fewer candidates than asked: all of them


@pytest.mark.parametrize(
    ("answers", "score", "percent", "passed"),
    [
        ({"11": "B", "12": "ACD", "13": "T", "14": "F"}, 5, Decimal("100.0"), True),
        ({"11": "B", "12": "AC", "13": "T", "14": "F"}, 3, Decimal("60.0"), False),  # 少选不得分
        ({"11": "B", "12": "ABCD", "13": "T", "14": "F"}, 3, Decimal("60.0"), False),  # 多选不得分
        ({"11": "B", "12": "ACD", "13": "T"}, 4, Decimal("80.0"), True),  # unanswered: no points; 80 % passes 80
        ({"11": "A", "12": "ACD", "13": "F", "14": "F"}, 3, Decimal("60.0"), False),
        ({}, 0, Decimal("0.0"), False),
    ],
)
def test_scoring_single_multiple_and_judge(answers, score, percent, passed):
    assert papers.score(PAPER, answers, pass_mark=80) == {
        "score": score,
        "max_score": 5,
        "percent": percent,
        "passed": passed,
    }


def test_answers_are_normalised():
    given = {"11": "b", 12: ["D", "A", "C"], "13": "对", "14": False}
    assert papers.clean_answers(PAPER, given) == {"11": "B", "12": "ACD", "13": "T", "14": "F"}
    assert papers.clean_answers(PAPER, {"12": "d,a", "11": ""}) == {"12": "AD"}  # blank = unanswered


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"99": "A"}, "题目 99 不在本试卷中。"),
        ({"11": "AB"}, "第 1 题是单选题，只能选一个答案。"),
        ({"11": "D"}, "第 1 题的答案应为 A–C 中的选项。"),
        ({"12": "AAC"}, "第 2 题的答案应为 A–D 中的选项。"),
        ({"13": "A"}, "第 3 题是判断题，答案应为“对”或“错”。"),
        ({"11": "<script>"}, "第 1 题的答案无效。"),
    ],
)
def test_bad_answers_are_refused_by_question_number(given, message):
    with pytest.raises(ValidationError) as caught:
        papers.clean_answers(PAPER, given)
    assert caught.value.message_dict["answers"] == [message]
