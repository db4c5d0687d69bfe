import json

from shian.accounts.models import Role
from shian.entities.models import Entity

from .test_duties import TODAY, VILLAGE, _today, shop  # noqa: F401  (fixtures)


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_daily_weekly_monthly_through_the_api(client, shop):  # noqa: F811
    client.force_login(shop["officer"])
    created = _post(client, "/api/v1/duties/daily", {})
    assert created.status_code == 201 and created.json()["all_clear"] is True
    again = _post(client, "/api/v1/duties/daily", {})
    assert again.status_code == 422 and "已填报" in again.json()["message"]
    status = client.get("/api/v1/duties/status").json()
    assert status["today_done"] and status["days_30"] == 1
    weekly = _post(client, "/api/v1/duties/weekly", {"week": "2026-11-23", "conclusion": "良好"})
    assert weekly.status_code == 201 and weekly.json()["days_checked"] == 1
    refused = _post(
        client, "/api/v1/duties/monthly", {"held_on": "2026-11-20", "attendees": "a", "issues": "b", "decisions": "c"}
    )
    assert refused.status_code == 403  # the officer does not hold the principal's meeting


def test_completion_for_regulators_only(client, shop, make_user):  # noqa: F811
    Entity.objects.create(name="另一家", region_id=VILLAGE, business_type="sales", sub_type="small_shop")
    client.force_login(shop["officer"])
    assert client.get("/api/v1/duties/completion?month=2026-11-01").status_code == 403
    client.force_login(make_user(Role.COUNTY_ADMIN, "370725"))
    body = client.get("/api/v1/duties/completion?month=2026-11-01").json()
    assert body["total"]["entities"] == 2 and body["days"] == 25
    assert [r["key"] for r in body["rows"]] == ["370725001"]
    by_type = client.get("/api/v1/duties/completion?month=2026-11-01&by=type").json()
    assert [r["key"] for r in by_type["rows"]] == ["sales"]
    outside = client.get("/api/v1/duties/completion?month=2026-11-01&region=370304").json()
    assert outside["total"]["entities"] == 0  # another county: nothing of it is visible
