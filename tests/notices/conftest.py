"""The notices world (docs/notices.md): the region tree of tests/conftest.py, the county's commission (a county
administrator of 昌乐县) and the city above it, the recipients (the 宝都街道 township administrator, the county's
education bureau, an entity in 站前社区 and its enterprise account), and people who are not the recipient (the other
township's administrator, another entity's account, the health bureau) or outside the county (博山区's administrator,
an entity in 北京)."""

from dataclasses import dataclass

import pytest

from shian.accounts.models import Role, User
from shian.entities.models import Entity


@dataclass
class People:
    county: User
    city: User
    township: User
    other_township: User
    education: User
    health: User
    entity: Entity
    enterprise: User
    other_enterprise: User
    outsider: User
    far_entity: Entity


@pytest.fixture
def people(make_user) -> People:
    entity = Entity.objects.create(name="站前饭店", region_id="370725001001", uscc="91370725MA3C000001")
    other = Entity.objects.create(name="乔官饭店", region_id="370725107201")
    return People(
        county=make_user(Role.COUNTY_ADMIN, "370725", username="county", name="县食安办"),
        city=make_user(Role.CITY_ADMIN, "3707", username="city"),
        township=make_user(Role.TOWNSHIP_ADMIN, "370725001", username="baodu"),
        other_township=make_user(Role.TOWNSHIP_ADMIN, "370725107", username="qiaoguan"),
        education=make_user(Role.DEPARTMENT_STAFF, "370725", username="edu", department_id="education"),
        health=make_user(Role.DEPARTMENT_STAFF, "370725", username="health", department_id="health"),
        entity=entity,
        enterprise=make_user(Role.ENTERPRISE, "370725001001", username="shop", entity=entity),
        other_enterprise=make_user(Role.ENTERPRISE, "370725107201", username="othershop", entity=other),
        outsider=make_user(Role.COUNTY_ADMIN, "370304", username="boshan"),
        far_entity=Entity.objects.create(name="朝阳饭店", region_id="110105"),
    )
