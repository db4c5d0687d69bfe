"""The entity page's panels (shian/core/entitypanels.py): the risk model's score with its rank in the band and its
reasons in Chinese, and the entity's warnings with level and deadline; hidden when there is nothing to show, for
users the panel's app does not serve (an enterprise) and for entities out of reach."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shian.accounts.models import Role
from shian.entities.models import Entity
from shian.riskmodel.features import LABELS
from shian.riskmodel.models import EntityScore, ModelVersion
from shian.warnings.models import RiskWarning, WarningRule

pytestmark = pytest.mark.django_db
VILLAGE = "370725001001"


@pytest.fixture
def pw(make_user):
    shops = [Entity.objects.create(name=f"面馆{n}", region_id=VILLAGE, address="经营地址", business_type="catering")
             for n in range(3)]  # fmt: skip
    model = ModelVersion.objects.create(
        version="t1", cutoff=datetime.date(2026, 1, 1), features=[], means=[], scales=[], coefficients=[],
        intercept=0, rows=10, positives=2, auc=0.8, baseline_auc=0.6, trained_at=timezone.now(), in_use=True,
    )  # fmt: skip
    feature = next(iter(LABELS))
    for shop, p in zip(shops[:2], (0.2, 0.6), strict=True):
        EntityScore.objects.create(model=model, entity=shop, region_id=VILLAGE, probability=p,
                                   reasons=[[feature, 0.5]], scored_at=timezone.now())  # fmt: skip
    rule = WarningRule.objects.filter(is_current=True).first()
    now = timezone.now()
    RiskWarning.objects.create(
        rule=rule, rule_code=rule.code, level="red", scope_key=f"entity:{shops[0].pk}", label="投诉异常升高",
        region_id=VILLAGE, office_id="370725001", entity=shops[0], raised_at=now, last_seen_at=now,
        step_due=now + datetime.timedelta(days=1),
    )  # fmt: skip
    return {
        "shops": shops,
        "feature": LABELS[feature],
        "station": make_user(Role.STATION_STAFF, "370725001", username="station"),
        "owner": make_user(Role.ENTERPRISE, VILLAGE, entity=shops[0], username="boss"),
    }


def page(user, entity) -> str:
    c = Client()
    c.force_login(user)
    response = c.get(reverse("entities:detail", args=[entity.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_scored_entity_shows_its_score_rank_reasons_and_warnings(pw):
    html = page(pw["station"], pw["shops"][0])
    assert 'data-testid="panel-riskmodel"' in html and "20%" in html and pw["feature"] in html
    assert "排第 2 位（共 2 户）" in html  # 0.2 below the other shop's 0.6, same band (ungraded), same county
    assert 'data-testid="panel-warnings"' in html and "投诉异常升高" in html and "红色" in html
    assert html.index("panel-riskmodel") < html.index("panel-warnings")  # in the registered order


def test_panels_are_hidden_when_there_is_nothing_to_show(pw):
    html = page(pw["station"], pw["shops"][2])  # not scored, no warning
    assert "panel-riskmodel" not in html and "panel-warnings" not in html
    html = page(pw["station"], pw["shops"][1])  # scored, no warning
    assert "panel-riskmodel" in html and "panel-warnings" not in html


def test_an_enterprise_sees_its_page_without_the_regulators_panels(pw):
    html = page(pw["owner"], pw["shops"][0])
    assert "panel-riskmodel" not in html and "panel-warnings" not in html and "投诉异常升高" not in html
