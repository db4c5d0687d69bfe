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
from shian.dinners import defaults as dinner_defaults
from shian.dinners.models import GUIDANCE_KIND
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
    # the 包保 督导检查表, the 监督检查要点表 and the 农村集体聚餐现场指导检查表
    seeded = {**DEFAULTS, **DEFAULT_CHECKLISTS, GUIDANCE_KIND: (dinner_defaults.TITLE, dinner_defaults.ITEMS)}
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


# -- the signed record's signature, location and form helpers (shared by visits and inspections) ---------------


def _png(payload: bytes) -> str:
    import base64

    return services.PNG_PREFIX + base64.b64encode(payload).decode()


def test_a_png_signature_passes_and_anything_else_names_the_signer():
    good = _png(b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    assert services.png_signature(f"  {good} ", "王检查") == good
    bad = [
        "",
        "data:image/jpeg;base64,/9j/4AAQ",
        services.PNG_PREFIX + "不是base64",
        _png(b"GIF89a" + b"\0" * 16),
        _png(b"\x89PNG" + b"\0" * services.MAX_SIGNATURE_BYTES),
    ]
    for image in bad:
        with pytest.raises(ValidationError) as exc:
            services.png_signature(image, "王检查")
        assert exc.value.message_dict == {"signatures": ["王检查 的签名无效，请重新签名。"]}


def test_a_location_is_six_decimals_within_range_and_optional():
    from decimal import Decimal

    assert services.location(None, "") == (None, None)
    assert services.location("36.1234567", 118.5) == (Decimal("36.123457"), Decimal("118.500000"))
    assert services.location(-90, 180) == (Decimal(-90), Decimal(180))
    with pytest.raises(ValidationError) as exc:
        services.location("91", "东经")
    assert exc.value.message_dict == {"latitude": ["定位坐标超出范围。"], "longitude": ["定位坐标无效。"]}


def test_a_posted_id_that_is_no_number_is_a_404_and_a_bad_key_is_none():
    import uuid

    from django.http import Http404

    from shian.checklists.forms import int_or_404, uuid_or_none

    assert int_or_404("42") == 42
    for value in (None, "", "4x", "1.5"):
        with pytest.raises(Http404):
            int_or_404(value)
    key = uuid.uuid4()
    assert uuid_or_none(str(key)) == key
    assert uuid_or_none("nope") is None and uuid_or_none(None) is None


def test_a_client_key_is_a_uuid_or_a_message_on_the_field():
    import uuid

    key = uuid.uuid4()
    assert services.client_key(str(key)) == key
    with pytest.raises(ValidationError) as exc:
        services.client_key("abc")
    assert exc.value.message_dict == {"client_key": ["提交编号无效。"]}


def test_the_signed_reply_is_json_for_the_outbox_and_a_redirect_for_the_form(rf):
    import json
    from types import SimpleNamespace

    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.urls import reverse

    from shian.checklists.forms import rejected_reply, signed_reply

    record = SimpleNamespace(pk=7)
    url = reverse("visits:visit_detail", args=[7])
    outbox = rf.post("/", HTTP_ACCEPT="application/json")
    reply = signed_reply(outbox, record, "visits:visit_detail", "已提交")
    assert reply.status_code == 200 and json.loads(reply.content) == {"ok": True, "url": url, "id": 7}
    form = rf.post("/")
    form.session = {}
    form._messages = FallbackStorage(form)
    reply = signed_reply(form, record, "visits:visit_detail", "已提交")
    assert reply.status_code == 302 and reply.url == url
    assert [m.message for m in form._messages] == ["已提交"]
    refused = rejected_reply(["缺少签名"])
    assert refused.status_code == 422 and json.loads(refused.content) == {"ok": False, "errors": ["缺少签名"]}
