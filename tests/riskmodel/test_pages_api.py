"""The prioritised list, the entity's score with its reasons and the versions page, and the same over
/api/v1/riskmodel (docs/riskmodel.md §5): scoped to the user's jurisdiction, the band in its words."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(rw):
    call_command("train_risk_model", "--cutoff", TODAY.isoformat(), stdout=None)
    call_command("score_risk_model", stdout=None)
    return rw


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_station_sees_its_own_entities_highest_first_with_reasons(scored):
    page = _client(scored.station).get(reverse("riskmodel:priority_list")).content.decode()
    names = [e.name for e in scored.entities]
    shown = [n for n in names if n in page]
    assert shown and not any(e.name in page for e in scored.far)  # 乔官村 is another station's
    assert page.index("饭店") < page.index("商店")  # catering (higher risk) listed first
    assert "A 为最低风险" in page or "风险等级 A 为最低风险" in page


def test_the_entity_page_shows_the_score_and_its_reasons(scored):
    entity = scored.entities[0]
    page = _client(scored.station).get(reverse("riskmodel:entity_score", args=[entity.pk])).content.decode()
    assert entity.name in page and "主要因素" in page and "%" in page
    far = scored.far[0]
    assert _client(scored.station).get(reverse("riskmodel:entity_score", args=[far.pk])).status_code == 404
    assert _client(scored.owner).get(reverse("riskmodel:entity_score", args=[entity.pk])).status_code == 403


def test_versions_page_and_api(scored):
    county = _client(scored.county)
    page = county.get(reverse("riskmodel:model_versions")).content.decode()
    assert "v1" in page and "在用" in page
    rows = county.get("/api/v1/riskmodel/scores?limit=500").json()["items"]
    assert len(rows) == 48 and rows[0]["probability"] >= rows[-1]["probability"]
    assert all(r["reasons"] == [] or r["reasons"][0]["label"] for r in rows)
    one = county.get(f"/api/v1/riskmodel/scores/{scored.entities[0].pk}").json()
    assert one["score"]["entity_id"] == scored.entities[0].pk and one["score"]["model"] == "v1"
    models = county.get("/api/v1/riskmodel/models").json()
    assert models[0]["in_use"] and models[0]["features"][0] == "format_catering"
    outsider = _client(scored.outsider)
    assert outsider.get("/api/v1/riskmodel/scores").json()["items"] == []
    assert outsider.get(f"/api/v1/riskmodel/scores/{scored.entities[0].pk}").status_code == 404
