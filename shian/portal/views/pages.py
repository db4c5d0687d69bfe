"""The public portal's pages (docs/portal.md §2): no login, Chinese, phone-first. Search a business by name,
address or USCC; its page (licences, rating and 量化 face, inspections, samples, list entries); the published
红黑榜 editions; the map by rating. Businesses are public, so a business page is addressed by its plain id
(`/public/b/<id>/`): walking the ids yields nothing a search would not (no person, no contact is ever on them)."""

import json

from django.http import HttpResponse
from django.shortcuts import render

from shian.accounts.access import ANYONE
from shian.core.access import access
from shian.credit.selectors.public import under_review
from shian.entities.models import BusinessType
from shian.inspections.models import CateringLevel, Outcome

from ..selectors import business as business_selectors
from ..selectors import editions as edition_selectors
from ..selectors import mappoints
from ..selectors import search as search_selectors
from .cached import public_page


def _county(text: str) -> str:
    digits = "".join(ch for ch in (text or "")[:12] if ch.isdigit())
    return digits[:6] if len(digits) >= 6 else ""


@access(ANYONE)
@public_page
def home(request):
    """首页与查询: the search box; with `?q=` the matches."""
    result = search_selectors.search(request.GET.get("q", ""))
    return render(request, "portal/home.html", {"result": result, "types": dict(BusinessType.choices)})


@access(ANYONE, objects="public_business")
@public_page
def business(request, pk: int):
    # records under a correction review are not shown (docs/portal.md §2)
    context = business_selectors.business_page(pk, exclude=frozenset(under_review([pk])))
    return render(request, "portal/business.html", context)


@access(ANYONE)
@public_page
def editions(request):
    rows = list(edition_selectors.editions(prefix=_county(request.GET.get("region", "")))[:100])
    return render(request, "portal/editions.html", {"editions": rows})


@access(ANYONE, objects="public_edition")
@public_page
def edition(request, pk: int):
    found = edition_selectors.edition(pk)
    return render(request, "portal/edition.html", {"edition": found, "boards": edition_selectors.boards(found)})


@access(ANYONE)
@public_page
def map_page(request):
    county = _county(request.GET.get("county", ""))
    counties = list(mappoints.counties().values_list("code", "name")[:500])
    if not county and counties:
        county = counties[0][0]
    legend = [(v, str(lbl)) for v, lbl in CateringLevel.choices] + [(v, str(lbl)) for v, lbl in Outcome.choices]
    return render(request, "portal/map.html", {"county": county, "counties": counties, "legend": legend})


@access(ANYONE)
@public_page
def map_points(request):
    """The county's points as JSON (`?county=370725`)."""
    county = _county(request.GET.get("county", ""))
    data = mappoints.county_points(county) if county else {"county": "", "fields": [], "points": []}
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/json")


@access(ANYONE)
@public_page
def api_usage(request):
    """开放数据接口说明 (like FHRS's API page): the endpoints, filters, paging, limits and the bulk files."""
    from ..services.bulk import available_files

    return render(request, "portal/api.html", {"files": available_files()})
