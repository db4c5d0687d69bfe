import datetime

import pytest

from shian.accounts.models import Role
from shian.demo.cadres import load_city_cadres, load_county_cadres
from shian.demo.entities import load_county_entities
from shian.regions.models import Region

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture
def county(regions, make_user):
    """A generated county (1,500 entities, its cadres and the city's) and its county administrator."""
    region = Region.objects.select_related("parent").get(code="370725")
    load_county_entities(county=region, seed=2, count=1500, today=TODAY)
    load_city_cadres(city=region.parent, seed=2)
    load_county_cadres(county=region, seed=2)
    return make_user(Role.COUNTY_ADMIN, "370725")
