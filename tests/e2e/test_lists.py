"""Issue 22's list paths in a browser (docs/lists.md, docs/portal.md), on the demo county:

- a 红黑榜 edition drafted by the county administrator from the lines the records propose, reviewed by a station
  inspector, refused to its drafter and approved by the city administrator, published; then, without a login, its
  public page and the open API show it, and the A3 poster is a PDF carrying its title;
(The key-person joint-punishment chain has no browser test yet: see docs/lists.md §4.)"""

import re

import pytest

from tests.baobao.test_documents import pdf_contains_text

from .test_entities import PHONE, _fits
from .test_shell import _login, _watch_console

pytestmark = pytest.mark.e2e

TITLE = "端到端测试红黑榜"
COUNTY = "370725"


def _logout(page, live_url) -> None:
    page.click("[data-testid=logout]")
    page.wait_for_url(f"{live_url}/accounts/login/")


def _message(page) -> str:
    return page.locator("ul.messages").inner_text()


def _add_first_candidate(page, board: str) -> str:
    """Put the first proposed record of a board on the edition; the business's name."""
    form = page.locator(f"[data-testid=candidates-{board}] form").first
    name = form.locator(".card-head strong").inner_text()
    form.locator("button").click()
    card = page.locator(f"[data-testid=board-{board}] .card", has_text=name)
    assert "来源记录" in card.locator(".card-head a").inner_text()  # the line traced to its record
    assert "已添加条目" in _message(page)
    return name


def test_an_edition_goes_from_draft_through_two_approvals_to_the_public_page_the_api_and_a_poster(
    browser, live_url, server_env
):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    errors = _watch_console(page)

    # the county administrator drafts an edition and takes lines from the records' proposals
    _login(page, live_url, "county")
    page.goto(f"{live_url}/lists/")
    page.click("details.card summary")
    page.select_option("#region", COUNTY)
    page.fill("#title", TITLE)
    page.click("[data-testid=edition-create]")
    page.wait_for_url(re.compile(r".*/lists/editions/\d+/$"))
    edition = int(re.search(r"/editions/(\d+)/$", page.url).group(1))
    detail = f"{live_url}/lists/editions/{edition}/"
    assert page.locator("[data-testid=status]").inner_text() == "草稿"
    assert page.locator("[data-testid=review], [data-testid=approve]").count() == 0  # not by the drafter
    black = _add_first_candidate(page, "black")
    red = _add_first_candidate(page, "red") if page.locator("[data-testid=candidates-red] form").count() else None
    _fits(page)
    _logout(page, live_url)

    # a second person reviews it
    _login(page, live_url, "inspector")
    page.goto(detail)
    page.click("[data-testid=review]")
    page.wait_for_selector("[data-testid=status]:has-text('已审核')")
    assert page.locator("[data-testid=approve]").count() == 0  # a station inspector does not approve
    _logout(page, live_url)

    # the drafter has no approve button, and the server refuses the approval when sent anyway
    _login(page, live_url, "county")
    page.goto(detail)
    assert page.locator("[data-testid=approve]").count() == 0
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    refused = page.request.post(f"{detail}workflow/", form={"do": "approve", "csrfmiddlewaretoken": token})
    assert refused.ok and "起草人不能批准本人起草的红黑榜" in refused.text()
    page.reload()
    assert page.locator("[data-testid=status]").inner_text() == "已审核"
    _logout(page, live_url)

    # a third person approves and publishes it, and takes the poster
    _login(page, live_url, "city")
    page.goto(detail)
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=status]:has-text('已批准')")
    page.click("[data-testid=publish]")
    page.wait_for_selector("[data-testid=status]:has-text('已发布')")
    facts = page.locator("[data-testid=edition-facts]").inner_text()
    assert "县食安办管理员" in facts and "刘建国" in facts and "市食安办管理员" in facts  # three people
    _fits(page)
    poster = page.request.get(live_url + page.get_attribute("[data-testid=poster]", "href"))
    assert poster.ok and poster.headers["content-type"] == "application/pdf"
    assert "attachment" in poster.headers.get("content-disposition", "")
    pdf = poster.body()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    assert pdf_contains_text(pdf, TITLE)
    _logout(page, live_url)

    # no login: the public page and the open API
    page.goto(f"{live_url}/public/editions/{edition}/")
    assert "/accounts/login/" not in page.url
    assert page.locator("h1").inner_text() == TITLE
    assert black in page.locator("[data-testid=portal-black]").inner_text()
    if red:
        assert red in page.locator("[data-testid=portal-red]").inner_text()
    _fits(page)
    listed = page.request.get(f"{live_url}/api/public/v1/editions?region={COUNTY}")
    assert listed.ok, listed.text()
    assert any(e["id"] == edition and e["title"] == TITLE for e in listed.json())
    one = page.request.get(f"{live_url}/api/public/v1/editions/{edition}").json()
    assert {"board": "black", "name": black} in [{"board": ln["board"], "name": ln["establishment_name"]}
                                                 for ln in one["lines"]]  # fmt: skip
    assert not errors, errors
    context.close()
