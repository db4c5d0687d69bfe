"""Issue 22's public "done when" (docs/portal.md §5): a person without an account, on a 390 px phone, finds a demo
business by part of its name and sees its rating (the 量化 face), its published inspections and its published
sampling results, with no person's name or phone on the page."""

import json

import pytest

from .conftest import _run
from .test_entities import PHONE, _fits
from .test_shell import _watch_console

pytestmark = pytest.mark.e2e

FIND = """
import json
from django.db.models import Exists, OuterRef
from shian.entities.models import Entity, KeyPerson
from shian.inspections.models import Inspection
from shian.sampling.models import Sample

inspected = Inspection.objects.filter(entity=OuterRef("pk"), published_at__isnull=False).exclude(catering_level="")
sampled = Sample.objects.filter(entity=OuterRef("pk"), published_at__isnull=False)
entity = (Entity.objects.exclude(status="deregistered").filter(Exists(inspected), Exists(sampled))
          .order_by("pk").first())
people = list(KeyPerson.objects.filter(entity=entity).values_list("name", "phone"))
print(json.dumps({"name": entity.name, "people": [p for row in people for p in row if p]}))
"""


@pytest.fixture(scope="module")
def demo_business(server_env, live_url):
    """A demo business with a published catering inspection and a published sample, and its key persons."""
    out = _run(server_env, "shell", "-c", FIND)
    return json.loads(out.strip().splitlines()[-1])


def test_a_visitor_finds_a_demo_business_on_a_phone_and_sees_rating_inspections_and_samples(
    browser, live_url, demo_business
):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    errors = _watch_console(page)
    page.goto(f"{live_url}/public/")
    assert "/accounts/login/" not in page.url
    _fits(page)
    name = demo_business["name"]
    page.fill("[data-testid=portal-q]", name)
    page.click("[data-testid=portal-search]")
    page.get_by_role("link", name=name, exact=True).click()
    page.wait_for_selector("[data-testid=portal-business-name]")
    assert page.inner_text("[data-testid=portal-business-name]") == name
    rating = page.inner_text("[data-testid=portal-rating]")
    assert any(face in rating for face in ("😄", "🙂", "😐")) and "最近一次检查" in rating
    assert page.locator("[data-testid=portal-inspections] tbody tr").count() >= 1
    assert page.locator("[data-testid=portal-samples] tbody tr").count() >= 1
    _fits(page)
    text = page.inner_text("body")
    for secret in demo_business["people"]:
        assert secret not in text, secret
    assert not context.cookies(), "a public page set a cookie"
    assert not errors, errors
    context.close()
