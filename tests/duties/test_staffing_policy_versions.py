"""A new version of the staffing policy (who must have a food-safety director, issue 18 item 7): added by the
region's administrators with an effective date and a reason, earlier versions kept, bad rules refused."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from shian.accounts.models import Role
from shian.core.models import AuditEntry
from shian.core.rules import most_specific
from shian.duties import services
from shian.duties.models import StaffingPolicy

RULES = [{"label": "就餐 500 人以上的学校食堂", "sub_types": ["school_canteen"], "min_diners": 500}]


def later(days):
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.mark.django_db
def test_a_staffing_policy_version_applies_from_its_date(make_user):
    county = make_user(Role.COUNTY_ADMIN, "370725")
    default = StaffingPolicy.objects.get(region__isnull=True)
    new = services.add_staffing_policy_version(
        actor=county, region_code="370725", valid_from=later(7), reason="县里从严", director_rules=RULES
    )
    assert most_specific(StaffingPolicy.objects.all(), "370725001", on=later(6)) == default
    assert most_specific(StaffingPolicy.objects.all(), "370725001", on=later(7)) == new
    assert AuditEntry.objects.get(action="duties.staffing_policy_version").after["note"] == "县里从严"


@pytest.mark.django_db
def test_bad_staffing_rules_are_refused(make_user):
    county = make_user(Role.COUNTY_ADMIN, "370725")
    with pytest.raises(ValidationError) as exc:
        services.add_staffing_policy_version(
            actor=county, region_code="370725", valid_from=later(7), reason="x",
            director_rules=[{"label": "", "min_diners": -1}],
        )  # fmt: skip
    messages = " ".join(exc.value.message_dict["director_rules"])
    assert "缺少说明" in messages and "非负整数" in messages
    assert not StaffingPolicy.objects.filter(region_id="370725").exists()


@pytest.mark.django_db
def test_staffing_policy_page_and_api(client, make_user):
    client.force_login(make_user(Role.COUNTY_ADMIN, "370725"))
    url = reverse("duties:staffing_policy")
    assert "v1" in client.get(url).content.decode()
    form = {"region_code": "370725", "valid_from": later(2), "reason": "页面修订",
            "director_rules": '[{"label": "大型餐馆", "sub_types": ["large_restaurant"]}]'}  # fmt: skip
    assert client.post(url, form).status_code == 302
    assert "页面修订" in client.get(url).content.decode()
    body = {"region_code": "370725", "valid_from": str(later(3)), "reason": "接口", "director_rules": RULES}
    assert (
        client.post("/api/v1/duties/staffing-policy/versions", body, content_type="application/json").status_code == 201
    )
    history = client.get("/api/v1/duties/staffing-policy?region=370725").json()
    assert [v["version"] for v in history["versions"] if v["region_id"] == "370725"] == [2, 1]
