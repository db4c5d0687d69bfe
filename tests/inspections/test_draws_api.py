# ruff: noqa: F811  (the `pw` fixture is imported from planning_world)
"""Plans and draws over /api/v1/inspections: run, read, verify, publish; the public results without login;
bad input named in a 422; enterprise accounts refused."""

import pytest
from django.test import Client

from shian.accounts.models import Role
from shian.inspections.models import InspectionPlan, RandomDraw

from .planning_world import pw  # noqa: F401

pytestmark = pytest.mark.django_db
API = "/api/v1/inspections"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_plan_and_draw_round_trip(pw):
    for _ in range(4):
        pw.entity(grade="D")
    api = client_for(pw.county_admin)
    plan = api.post(f"{API}/plans", {"year": 2027}, content_type="application/json")
    assert plan.status_code == 201 and plan.json()["summary"]["planned"] == 12
    assert api.get(f"{API}/plans/{plan.json()['id']}").json()["year"] == 2027
    draw = api.post(f"{API}/draws", {"count": 2, "seed": "api", "weighted": True}, content_type="application/json")
    assert draw.status_code == 201
    body = draw.json()
    assert body["seed"] == "api" and len(body["result"]) == 2 and body["algorithm"] == "sha256-sample-v1"
    assert api.get(f"{API}/draws/{body['id']}/verify").json()["reproduced"] is True
    assert api.post(f"{API}/draws/{body['id']}/publish").json()["published_at"]
    public = Client().get(f"{API}/public/draws")
    assert public.status_code == 200 and public.json()["items"][0]["rows"][0]["uscc"].startswith("91370725")
    assert "phone" not in public.content.decode()


def test_too_many_requested_is_a_422_naming_both_numbers(pw):
    pw.entity()
    response = client_for(pw.county_admin).post(f"{API}/draws", {"count": 5}, content_type="application/json")
    assert response.status_code == 422 and "超过候选主体数 1" in response.json()["message"]
    assert not RandomDraw.objects.exists()


def test_enterprise_accounts_get_403(pw, make_user):
    api = client_for(make_user(Role.ENTERPRISE, "370725001001"))
    assert api.get(f"{API}/plans").status_code == 403
    assert api.post(f"{API}/plans", {"year": 2027}, content_type="application/json").status_code == 403
    assert not InspectionPlan.objects.exists()
