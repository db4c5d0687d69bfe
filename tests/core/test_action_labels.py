"""Audit action codes never appear raw in the UI: every action the code records has a Chinese label."""

import pathlib
import re

import pytest

from shian.core import actionlabels
from shian.core.audit import record
from shian.core.models import AuditEntry

ROOT = pathlib.Path(__file__).resolve().parents[2] / "shian"
# audit.record(..., action="x.y", ...) and the helpers that pass an action code positionally
LITERAL = re.compile(r"""\baction\s*=\s*["']([a-z_]+\.[a-z_.]+)["']""")
POSITIONAL = re.compile(r"""\b(?:_move|_created)\([^()]*?,\s*["']([a-z_]+\.[a-z_.]+)["']""")
# f-strings: their expansions are listed here (the kinds of duties.remind_{kind}, the ledger pipeline's prefix)
EXPANSIONS = {
    'f"duties.remind_{kind}"': ["duties.remind_daily", "duties.remind_weekly", "duties.remind_monthly"],
    'f"{pipeline.audit_prefix}.import"': ["ledger.import"],
    'f"{pipeline.audit_prefix}.rollback"': ["ledger.rollback"],
}
FSTRING = re.compile(r"""\baction\s*=\s*(f"[^"]+")""")


def recorded_actions() -> dict[str, str]:
    found = {}
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (LITERAL, POSITIONAL):
            for m in pattern.finditer(text):
                found.setdefault(m.group(1), str(path.relative_to(ROOT)))
        for m in FSTRING.finditer(text):
            assert m.group(1) in EXPANSIONS, f"{path}: list the codes {m.group(1)} expands to in EXPANSIONS"
            for code in EXPANSIONS[m.group(1)]:
                found.setdefault(code, str(path.relative_to(ROOT)))
    return found


def test_every_recorded_action_has_a_label():
    """Each action literal in shian/ (audit.record(action=...), the problem and duty helpers) has a label."""
    found = recorded_actions()
    assert len(found) > 40  # the grep does find the codes
    missing = {code: where for code, where in found.items() if not actionlabels.has_label(code)}
    assert not missing, f"register a label in the app's auditlabels.py for: {missing}"


def test_labels_are_chinese_not_codes():
    """A label is human text, never the code itself."""
    for code, text in actionlabels.labels().items():
        assert text != code and "." not in text and re.search(r"[\u4e00-\u9fff]", text), code


def test_unknown_code_falls_back_to_a_generic_label():
    assert actionlabels.label("no.such_action") == str(actionlabels.GENERIC)
    assert "no.such_action" not in actionlabels.label("no.such_action")


def test_a_code_has_one_label():
    with pytest.raises(ValueError):
        actionlabels.register_labels({"problem.escalate": "别的说法"})


@pytest.mark.django_db
def test_audit_page_shows_labels_not_codes(client, django_user_model):
    """/core/audit/ shows 问题逾期升级 where the entry says problem.escalate."""
    admin = django_user_model.objects.create_superuser("root", password="x-Password-123")
    record(actor=admin, action="problem.escalate", object_type="visits.problem", region_code="")
    record(actor=admin, action="made.up_code", object_type="x", region_code="")
    client.force_login(admin)
    body = client.get("/core/audit/").content.decode()
    assert AuditEntry.objects.filter(action="problem.escalate").exists()
    # shown text only (an <option value="..."> carries the code, which nobody reads)
    shown = re.sub(r'value="[^"]*"', "", body)
    assert "<td>问题逾期升级</td>" in shown and "problem.escalate" not in shown
    assert "made.up_code" not in shown and f"<td>{actionlabels.GENERIC}</td>" in shown


@pytest.mark.django_db
def test_audit_filter_offers_actions_by_label(client, django_user_model):
    """The 动作 filter is a list of labels; choosing one shows only that action; a made-up value is refused
    with a message, not a server error."""
    admin = django_user_model.objects.create_superuser("root", password="x-Password-123")
    record(actor=admin, action="problem.escalate", object_type="visits.problem", object_repr="甲问题")
    record(actor=admin, action="entity.create", object_type="entities.entity", object_repr="乙主体")
    client.force_login(admin)
    body = client.get("/core/audit/?action=problem.escalate").content.decode()
    assert '<option value="problem.escalate" selected>问题逾期升级</option>' in body
    assert "甲问题" in body and "乙主体" not in body
    bad = client.get("/core/audit/?action=nonsense")
    assert bad.status_code < 500
