# ruff: noqa: F811  (the `pw` fixture is imported from planning_world)
"""Stations pages: county administrators list and edit their stations (the refusal of a township taken by
another station shown on the page); inspectors declare conflicts; enterprise accounts are refused."""

import pytest
from django.urls import reverse

from shian.accounts.models import Role
from shian.inspections.models import InspectorConflict

from .planning_world import pw  # noqa: F401

pytestmark = pytest.mark.django_db


def test_county_admin_lists_and_edits_a_station(client, pw):
    client.force_login(pw.county_admin)
    page = client.get(reverse("inspections:stations")).content.decode()
    assert "宝都市场监管所" in page and "乔官市场监管所" in page
    edit = client.get(reverse("inspections:station_edit", args=[pw.baodu.pk])).content.decode()
    assert "baodu执法1" in edit and "（已属于 乔官市场监管所）" in edit
    response = client.post(reverse("inspections:station_edit", args=[pw.baodu.pk]),
                           {"name": "宝都所", "townships": ["370725001", "370725107"],
                            "inspectors": [pw.inspectors["baodu"][0].pk]}, follow=True)  # fmt: skip
    assert "乔官镇 已属于 乔官市场监管所" in response.content.decode()
    assert pw.baodu.inspectors.count() == 3


def test_an_inspector_declares_a_conflict_on_the_page(client, pw):
    inspector = pw.inspectors["baodu"][0]
    entity = pw.entity(name="亲戚饭店")
    client.force_login(inspector)
    found = client.get(reverse("inspections:conflicts"), {"q": "亲戚"}).content.decode()
    assert "亲戚饭店" in found
    client.post(reverse("inspections:conflicts"), {"entity": entity.pk, "reason": "亲属经营"})
    assert InspectorConflict.objects.filter(inspector=inspector, entity=entity).exists()


def test_enterprise_accounts_are_refused(client, pw, make_user):
    client.force_login(make_user(Role.ENTERPRISE, "370725001001"))
    for name in ("inspections:stations", "inspections:conflicts", "inspections:plans", "inspections:draws"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("inspections:station_edit", args=[pw.baodu.pk])).status_code == 403
