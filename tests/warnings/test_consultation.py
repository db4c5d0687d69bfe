"""The quarterly risk consultation (docs/warnings.md §5): figures of one county and one past quarter from live
records (warnings by level and kind, on-time steps, rankings by township, business type and food category), the
recommended focus with its reasons, the model section, bad input refused, the Word/PDF documents, the command's JSON
line, the page and the API."""

import dataclasses
import datetime
import io
import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from docx import Document as open_docx

from shian.accounts.models import Role
from shian.core.periods import previous_quarter, quarter_bounds, quarter_of
from shian.inspections.models import Outcome
from shian.riskmodel.selectors import ModelSummary
from shian.sampling.models import Sample
from shian.warnings import documents
from shian.warnings.models import RiskWarning, WarningRule
from shian.warnings.selectors import consultation as selectors
from shian.warnings.services.run import run
from tests.credit.credit_world import failed_sample, upheld_report
from tests.inspections.grading_world import inspect, make_entity

pytestmark = pytest.mark.django_db

VILLAGE, OTHER_VILLAGE = "370725001001", "370725107201"


def _quarter_text(q: int) -> str:
    return f"{q // 10}Q{q % 10}"


@pytest.fixture
def cw(make_user):
    """A past quarter of the demo county: a cluster of failed samples in 宝都 that raises a warning (acknowledged
    on time), an upheld report and a 重点项 failure there, one failure in 乔官 with a warning acknowledged late and
    closed, and records outside the quarter that must not count."""
    today = timezone.localdate()
    quarter = previous_quarter(quarter_of(today))
    start, last = quarter_bounds(quarter)
    mid = timezone.make_aware(datetime.datetime.combine(start + datetime.timedelta(days=20), datetime.time(10)))
    ago = (timezone.now() - mid).days
    users = {
        "county": make_user(Role.COUNTY_ADMIN, "370725", username="county"),
        "outsider": make_user(Role.COUNTY_ADMIN, "370304", username="outsider"),
        "station": make_user(Role.STATION_STAFF, "370725001", username="station"),
    }
    shop, neighbour = make_entity("老张饭店"), make_entity("老李超市", business_type="sales", sub_type="supermarket")
    far = make_entity("乔官小吃", OTHER_VILLAGE)
    for entity in (shop, neighbour, shop):
        failed_sample(entity, days_ago=ago)
    failed_sample(far, days_ago=ago)
    failed_sample(far, days_ago=(timezone.now() - timezone.make_aware(
        datetime.datetime.combine(start - datetime.timedelta(days=40), datetime.time(10)))).days)  # fmt: skip
    upheld_report(shop, days_ago=ago)
    checked = inspect(neighbour, Outcome.NONCONFORM, days_ago=ago)
    type(checked).objects.filter(pk=checked.pk).update(key_failed=2)
    WarningRule.objects.exclude(code="samples_fail_cluster").update(active=False)
    run(at=mid + datetime.timedelta(days=2))  # after every record of the burst
    cluster = RiskWarning.objects.get()
    RiskWarning.objects.filter(pk=cluster.pk).update(acknowledged_at=cluster.raised_at + datetime.timedelta(hours=2),
                                                     state="acknowledged")  # fmt: skip
    rule = WarningRule.objects.get(code="repeat_violation", is_current=True)
    RiskWarning.objects.create(
        rule=rule, rule_code=rule.code, level=rule.level, scope_key=f"entity:{far.pk}", label="乔官小吃：重复违规",
        region_id=far.region_id, office_id="370725107", entity=far, raised_at=mid, last_seen_at=mid, evidence=[],
        acknowledged_at=mid + datetime.timedelta(days=20), investigating_at=mid + datetime.timedelta(days=20),
        closed_at=mid + datetime.timedelta(days=25), state="closed", finding="已立案查处",
    )  # fmt: skip
    return {"quarter": quarter, "text": _quarter_text(quarter), "shop": shop, **users}


def test_the_figures_count_the_quarter_by_level_kind_township_type_and_category(cw):
    c = selectors.consultation(user=cw["county"], region_code="370725", quarter=cw["text"])
    assert c.raised == {"red": 0, "orange": 2, "yellow": 0, "blue": 0} and c.closed["orange"] == 1
    kinds = {k: (r, cl) for k, _label, r, cl in c.kinds}
    assert kinds["failed_samples"] == (1, 0) and kinds["repeat_violation"] == (1, 1)
    assert (c.ack.on_time, c.ack.late, c.ack.rate) == (1, 1, 50.0)
    assert (c.closure.on_time, c.closure.late, c.closure.pending) == (1, 0, 1)  # closed 5 days into 15 working days
    assert c.events == 2 + 4 + 1 + 1 and c.previous_raised == 0
    town = c.townships[0]
    assert (town.key, town.name) == ("370725001", "宝都街道")
    assert town.counts == {"warnings": 1, "samples": 3, "complaints": 1, "key_failed": 1}
    assert c.townships[1].counts == {"warnings": 1, "samples": 1}  # the sample before the quarter is not counted
    types = {r.key: r.counts for r in c.business_types}
    assert types["sales"] == {"samples": 1, "key_failed": 1}
    assert c.food_categories[0].counts == {"samples": 4, "warnings": 1}


def test_the_focus_follows_the_figures_and_says_why(cw):
    c = selectors.consultation(user=cw["county"], region_code="370725", quarter=cw["text"])
    texts = [f.text for f in c.focus]
    reasons = " ".join(f.reason for f in c.focus)
    assert any("宝都街道" in t and "重点区域" in t for t in texts)
    assert "占全县 75.0%" in reasons
    assert any("签收" in t for t in texts) and "按时签收率 50.0%" in reasons
    assert any("上升" in t for t in texts) and "上季度 0 条" in reasons
    assert c.model is None and "尚未训练模型" in reasons


def test_a_model_that_beats_the_plan_is_recommended_as_a_weight(cw, monkeypatch):
    trained = ModelSummary(version="v3", trained_at=timezone.now(), cutoff=datetime.date(2026, 1, 1), rows=900,
                           features=("band", "past_failures"), auc=0.74, baseline_auc=0.61)  # fmt: skip
    monkeypatch.setattr(selectors, "current_model", lambda: trained)
    c = selectors.consultation(user=cw["county"], region_code="370725", quarter=cw["text"])
    assert any("模型评分为权重" in f.text and "0.740" in f.reason and "0.610" in f.reason for f in c.focus)
    worse = dataclasses.replace(trained, auc=0.55)
    monkeypatch.setattr(selectors, "current_model", lambda: worse)
    c = selectors.consultation(user=cw["county"], region_code="370725", quarter=cw["text"])
    assert any("暂不以模型评分" in f.text for f in c.focus)


@pytest.mark.parametrize(("region", "quarter", "message"), [
    ("370799", "2026Q1", "没有代码为 370799 的区划"),
    ("370725001", "2026Q1", "不是县级区划"),
    ("370304", "2026Q1", "不在您的管辖范围内"),
    ("37x", "2026Q1", "区划代码格式不正确"),
    ("370725", "2026Q5", "季度格式应为"),
    ("", "2026Q1", "请选择县"),
])  # fmt: skip
def test_bad_requests_are_refused_with_a_clear_message(cw, region, quarter, message):
    with pytest.raises(ValidationError) as err:
        selectors.check_request(user=cw["county"], region_code=region, quarter=quarter)
    assert message in " ".join(err.value.messages)


def test_a_future_quarter_is_refused_and_the_current_one_is_partial(cw):
    today = timezone.localdate()
    nxt = quarter_of(quarter_bounds(quarter_of(today))[1] + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="尚未开始"):
        selectors.check_request(user=cw["county"], region_code="370725", quarter=_quarter_text(nxt))
    now = selectors.consultation(user=None, region_code="370725", quarter=_quarter_text(quarter_of(today)))
    assert now.end == today and not now.complete


def test_the_word_document_has_the_red_heading_and_the_parts(cw):
    c = selectors.consultation(user=None, region_code="370725", quarter=cw["text"])
    name, data = documents.render(c, "docx")
    assert name == f"昌乐县_{cw['text']}_食品安全风险会商报告.docx"
    doc = open_docx(io.BytesIO(data))
    organ = doc.paragraphs[0]
    assert organ.text == "昌乐县食品安全委员会办公室" and str(organ.runs[0].font.color.rgb) == "E60012"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert c.label in text and "五、下季度工作重点建议" in text and "尚未训练模型。" in text
    cells = {cell.text for table in doc.tables for row in table.rows for cell in row.cells}
    assert "宝都街道" in cells and "老张饭店" not in text  # areas and types, never a business's name


def test_the_command_writes_the_file_and_prints_the_headline(cw, tmp_path):
    out = StringIO()
    call_command("warnings_report", region="370725", quarter=cw["text"], format="pdf", out=str(tmp_path), json=True,
                 stdout=out)  # fmt: skip
    head = json.loads(out.getvalue().strip().splitlines()[-1])
    assert head["raised"] == 2 and head["closed"] == 1 and head["top_township"] == "宝都街道"
    assert head["model"] is None and head["quarter"] == cw["text"]
    with open(head["path"], "rb") as f:
        assert f.read(5) == b"%PDF-"
    with pytest.raises(CommandError, match="没有代码为 370799"):
        call_command("warnings_report", region="370799", quarter=cw["text"], out=str(tmp_path))
    with pytest.raises(CommandError, match="--format"):
        call_command("warnings_report", region="370725", quarter=cw["text"], format="xls", out=str(tmp_path))


def test_the_page_and_the_api(cw, client):
    client.force_login(cw["county"])
    form = client.get("/warnings/consultation/")
    assert form.status_code == 200 and 'value="370725"' in form.content.decode()
    page = client.get("/warnings/consultation/", {"region": "370725", "quarter": cw["text"]}).content.decode()
    assert 'data-testid="town-370725001"' in page and "尚未训练模型" in page
    got = client.get("/warnings/consultation/", {"region": "370725", "quarter": cw["text"], "format": "docx"})
    assert got.status_code == 200 and got["Content-Disposition"].startswith("attachment")
    api = client.get("/api/v1/warnings/consultation", {"region": "370725", "quarter": cw["text"]})
    assert api.status_code == 200 and api.json()["headline"]["raised"] == 2
    assert api.json()["townships"][0]["counts"]["samples"] == 3
    doc = client.get("/api/v1/warnings/consultation/document", {"region": "370725", "quarter": cw["text"]})
    assert doc.status_code == 200 and doc["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(cw["outsider"])
    refused = client.get("/warnings/consultation/", {"region": "370725", "quarter": cw["text"]})
    assert refused.status_code == 422 and "不在您的管辖范围内" in refused.content.decode()
    assert "宝都街道" not in refused.content.decode()
    bad = client.get("/api/v1/warnings/consultation", {"region": "370725", "quarter": "2099Q1"})
    assert bad.status_code == 422 and "不在您的管辖范围内" in bad.json()["message"]
    assert Sample.objects.count() == 5  # nothing written by reading
