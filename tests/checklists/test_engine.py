"""The checklist engine on its own: kinds registered by modules, the resolver, the seeded defaults, and no
domain app imported."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from shian.checklists import services
from shian.checklists.forms import item_lines, parse_item_lines
from shian.checklists.kinds import is_kind, kind_choices
from shian.checklists.models import Checklist, Severity
from shian.inspections.defaults import DEFAULT_CHECKLISTS
from shian.visits.checklists import DEFAULTS
from shian.visits.models import ChecklistKind

ENGINE = Path(__file__).resolve().parents[2] / "shian" / "checklists"
DOMAIN_APPS = {"accounts", "regions", "entities", "baobao", "ledgers", "visits", "duties", "knowledge", "dashboard"}


def test_visits_registers_its_kinds_and_the_field_shows_their_labels(db):
    assert all(is_kind(k) for k in ChecklistKind.values)
    assert dict(kind_choices())["catering"] == ChecklistKind.CATERING.label
    checklist = Checklist.objects.filter(kind="catering", region__isnull=True).first()
    assert checklist.get_kind_display() == ChecklistKind.CATERING.label


def test_the_seeded_defaults_are_version_1_of_every_kind(db):
    seeded = {**DEFAULTS, **DEFAULT_CHECKLISTS}  # the 包保 督导检查表 and the 监督检查要点表
    defaults = Checklist.objects.filter(region__isnull=True, version=1)
    assert {c.kind for c in defaults} == {str(k) for k in seeded}
    for checklist in defaults:
        title, items = seeded[checklist.kind]
        assert checklist.title == title
        assert [(i.category, i.severity, i.text) for i in checklist.items.all()] == [
            (c, str(s), t) for c, s, t, _h in items
        ]


def test_the_resolver_falls_back_to_the_province_defaults(db):
    found = services.resolve_checklist(kind="sales", region_code="370725001")
    assert (found.kind, found.region_id, found.version) == ("sales", None, 1)
    assert services.resolve_checklist(kind="no-such-kind", region_code="37") is None


def test_answers_are_checked_against_the_items(db):
    checklist = Checklist.objects.filter(kind="market", region__isnull=True).first()
    items = {i.pk: i for i in checklist.items.all()}
    first, *rest = items
    given, errors = services.check_answers(items, [{"item": first, "result": "fail", "note": ""}])
    assert errors and not given
    answers = [{"item": pk, "result": "pass"} for pk in items]
    given, errors = services.check_answers(items, answers)
    assert errors == [] and set(given) == set(items)
    _given, errors = services.check_answers(items, answers[:1])
    assert len(errors) == 1


def test_item_lines_read_back():
    lines = "主体责任 | 重点项 | 配备食品安全员 | 查看任命\n环境 | general | 整洁"
    items = parse_item_lines(lines)
    assert [i["severity"] for i in items] == [Severity.KEY, Severity.GENERAL]
    rows = services.checked_items(items)
    assert rows[1][1]["guidance"] == ""


def test_a_version_of_an_unregistered_kind_is_refused(db, django_user_model):
    admin = django_user_model.objects.create_superuser("root-engine", password="x-very-long-password")
    with pytest.raises(ValidationError):
        services.create_checklist_version(
            actor=admin, kind="no-such-kind", region_code=None, title="t", items=[{"category": "c", "text": "t"}]
        )


def test_item_lines_of_a_version(db):
    checklist = Checklist.objects.filter(kind="production", region__isnull=True).first()
    assert len(parse_item_lines(item_lines(checklist.items.all()))) == checklist.items.count()


def test_the_engine_imports_no_domain_app():
    for path in ENGINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                parts = name.split(".")
                assert not (parts[0] == "shian" and len(parts) > 1 and parts[1] in DOMAIN_APPS), (path, name)


def test_a_kind_registered_twice_with_another_label_is_refused():
    from shian.checklists.kinds import register_kinds

    register_kinds(ChecklistKind.choices)  # the same again: harmless
    with pytest.raises(ValueError):
        register_kinds([("catering", "另一模块的餐饮")])
