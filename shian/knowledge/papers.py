"""Papers as plain data: drawn reproducibly from a seed, answers read and scored. No database here.

A paper is a list of question snapshots {"id", "kind", "text", "options", "answer", "points", "explanation"};
answers are {"<question id>": "A" | "ABD" | "T" | "F"}. Scoring: a single or judge question scores its
points when the answer is right; a multiple-choice question only when exactly the right options are chosen
(少选、多选、错选均不得分).
"""

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import OPTION_LETTERS, Judgement, QuestionKind

GRACE = datetime.timedelta(seconds=30)  # a paper handed in this late (slow network) still counts

_JUDGE = {"T": "T", "F": "F", "对": "T", "错": "F", "TRUE": "T", "FALSE": "F", "√": "T", "×": "F"}


def draw(candidate_ids, count: int, seed: int) -> list[int]:
    """`count` ids (or all, when fewer) in paper order; the same ids, count and seed give the same paper."""
    ids = sorted(set(candidate_ids))
    return random.Random(seed).sample(ids, min(count, len(ids)))


def snapshot(question) -> dict:
    return {
        "id": question.pk,
        "kind": question.kind,
        "text": question.text,
        "options": list(question.options or []),
        "answer": question.answer,
        "points": question.points,
        "explanation": question.explanation,
    }


def clean_answers(paper: list[dict], answers) -> dict[str, str]:
    """The given answers as stored: keys the paper's question ids, values normalised; blank answers dropped.
    A question not on the paper or an answer that is not one of its options is refused with its number."""
    if answers is None:
        return {}
    if not isinstance(answers, dict):
        raise ValidationError({"answers": [_("答案格式无效。")]})
    by_id = {str(q["id"]): (n, q) for n, q in enumerate(paper, start=1)}
    cleaned, errors = {}, []
    for key, value in answers.items():
        found = by_id.get(str(key))
        if found is None:
            errors.append(_("题目 %(id)s 不在本试卷中。") % {"id": str(key)[:20]})
            continue
        number, question = found
        letters = _letters(value)
        if letters is None:
            errors.append(_("第 %(n)d 题的答案无效。") % {"n": number})
            continue
        if not letters:
            continue
        if question["kind"] == QuestionKind.JUDGE:
            judged = _JUDGE.get(letters)
            if judged is None:
                errors.append(_("第 %(n)d 题是判断题，答案应为“对”或“错”。") % {"n": number})
                continue
            cleaned[str(question["id"])] = judged
            continue
        allowed = OPTION_LETTERS[: len(question["options"])]
        if any(c not in allowed for c in letters) or len(set(letters)) != len(letters):
            errors.append(
                _("第 %(n)d 题的答案应为 %(first)s–%(last)s 中的选项。")
                % {"n": number, "first": "A", "last": allowed[-1:]}
            )
            continue
        if question["kind"] == QuestionKind.SINGLE and len(letters) != 1:
            errors.append(_("第 %(n)d 题是单选题，只能选一个答案。") % {"n": number})
            continue
        cleaned[str(question["id"])] = "".join(sorted(letters))
    if errors:
        raise ValidationError({"answers": errors})
    return cleaned


def _letters(value) -> str | None:
    """ "A", "abd", ["A", "B"], "A,B", True/False (judge) as upper-case text without separators; None if unusable."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, list | tuple):
        if len(value) > len(OPTION_LETTERS) or not all(isinstance(v, str) for v in value):
            return None
        value = "".join(value)
    if not isinstance(value, str) or len(value) > 20:
        return None
    text = "".join(c for c in value.strip().upper() if c not in " ,，、;；")
    if text in _JUDGE:
        return text
    return text if all(c in OPTION_LETTERS for c in text) else None


def is_right(question: dict, given: str | None) -> bool:
    return bool(given) and given == question["answer"]


def score(paper: list[dict], answers: dict[str, str], pass_mark: int) -> dict:
    """Points earned, the paper's total, the percentage (one decimal) and pass or fail."""
    earned = sum(q["points"] for q in paper if is_right(q, answers.get(str(q["id"]))))
    total = sum(q["points"] for q in paper)
    percent = (Decimal(100 * earned) / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP) if total else Decimal(0)
    return {"score": earned, "max_score": total, "percent": percent, "passed": percent >= pass_mark}


def judgement_label(value: str) -> str:
    return str(dict(Judgement.choices).get(value, value))
