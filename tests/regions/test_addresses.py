"""The address resolver: which county, township and village an address names, in the caller's jurisdiction,
with the short forms people write; ambiguous when two regions fit equally, nothing when none does."""

import pytest

from shian.accounts.models import Role
from shian.regions.addresses import AddressIndex, address_index, resolve_address, variants
from shian.regions.models import Region

TREE = [
    ("37", "山东省"),
    ("3707", "潍坊市"),
    ("370725", "昌乐县"),
    ("370725001", "宝都街道"),
    ("370725001001", "站前社区居民委员会"),
    ("370725001002", "西关村民委员会"),
    ("370725001003", "新村村民委员会"),
    ("370725107", "乔官镇"),
    ("370725107201", "乔官村民委员会"),
    ("370725107202", "新村村民委员会"),
    ("370725108", "鄌郚镇"),
    ("370724", "临朐县"),
    ("370724001", "城关街道"),
]


@pytest.fixture
def county():
    return AddressIndex(TREE, root="370725")


def found(index, address):
    result = index.resolve(address)
    assert result.status == "found", (address, result)
    return result.region.code


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("山东省潍坊市昌乐县宝都街道站前社区站前街1号", "370725001001"),  # everything spelled out
        ("潍坊昌乐宝都街道站前社区", "370725001001"),  # 市/县 omitted
        ("宝都街道站前社区居委会东50米", "370725001001"),  # the committee's short name
        ("宝都站前社区居民委员会", "370725001001"),  # 宝都 for 宝都街道
        ("站前居委会对面", "370725001001"),  # 站前居委会 for 站前社区居民委员会
        ("宝都街道办事处学府路2号", "370725001"),
        ("宝都街办西关村委会", "370725001002"),
        ("昌乐县乔官镇乔官村8号", "370725107201"),
        ("乔官乔官村民委员会", "370725107201"),
        ("乔官镇驻地乔官大街5号", "370725107"),
        ("乔官大街5号", "370725107"),  # a township's bare stem still counts
        ("乔官镇新村5号", "370725107202"),  # 新村 is ambiguous, the township decides
        ("宝都街道新村村委会", "370725001003"),
        ("昌乐县城南路", "370725"),  # only the county: found, the caller decides if that is enough
        ("ＳＨ 宝都 街道 站前社区", "370725001001"),  # full-width letters and spaces
    ],
)
def test_short_forms_and_prefixes(county, address, code):
    """Township endings (街道/街道办事处/街办/镇) and village committee forms (村/村委会/村民委员会,
    社区/居委会/社区居民委员会) may be written or left out, and so may 省/市/县."""
    assert found(county, address) == code


def test_a_street_named_like_a_village_is_not_the_village(county):
    """A village is read only with its 村/社区 word: 站前街 is a street, not 站前社区."""
    assert found(county, "昌乐县宝都街道站前街1号") == "370725001"


def test_ambiguous_names_give_the_candidates(county):
    """新村 alone fits the 新村 of both townships; two townships named together fit neither better."""
    result = county.resolve("昌乐县新村5号")
    assert result.status == "ambiguous" and result.region is None
    assert [(p.code, p.path) for p in result.candidates] == [
        ("370725001003", "宝都街道 新村村民委员会"),
        ("370725107202", "乔官镇 新村村民委员会"),
    ]
    assert {p.code for p in county.resolve("乔官镇宝都街道").candidates} == {"370725107", "370725001"}


def test_a_full_name_outweighs_a_short_form_in_a_street_name(county):
    """宝都街道乔官路: the township written in full wins over 乔官 inside a street's name."""
    assert found(county, "宝都街道乔官路18号") == "370725001"


def test_nothing_outside_the_jurisdiction(county):
    """Regions outside the index's jurisdiction are not found; names above it only support what is below."""
    assert county.resolve("临朐县城关街道民主路1号").status == "none"
    assert county.resolve("北京市朝阳区").status == "none"
    assert county.resolve("山东省潍坊市").status == "none"
    assert county.resolve("").status == "none"


def test_a_city_index_tells_counties_apart():
    """At city level the county names decide between townships of the same name in two counties."""
    tree = [*TREE, ("370724002", "宝都街道")]
    city = AddressIndex(tree, root="3707")
    assert found(city, "昌乐县宝都街道") == "370725001"
    assert found(city, "临朐宝都街道") == "370724002"
    assert city.resolve("宝都街道").status == "ambiguous"


def test_variants_of_a_name():
    assert variants("宝都街道", 4) == {"宝都街道": 2, "宝都": 1, "宝都街道办事处": 2, "宝都街道办": 2, "宝都街办": 2}
    assert set(variants("新村村民委员会", 5)) >= {"新村村民委员会", "新村", "新村村委会"}
    assert "站前" not in variants("站前社区居民委员会", 5)
    assert variants("市辖区", 3) == {}


def test_the_selector_indexes_the_users_jurisdiction(regions, make_user):
    """address_index reads the regions inside the user's jurisdiction (and the names above it), in a fixed
    number of queries; retired regions are left out."""
    clerk = make_user(Role.TOWNSHIP_ADMIN, "370725001")
    index = address_index(user=clerk)
    assert index.root == "370725001"
    assert found(index, "山东省潍坊市昌乐县宝都街道站前社区") == "370725001001"
    assert index.resolve("乔官镇乔官村").status == "none"  # the neighbouring township is not this clerk's
    assert resolve_address(user=make_user(Role.COUNTY_ADMIN, "370725"), address="乔官村").region.code == (
        "370725107201"
    )
    Region.objects.filter(code="370725001001").update(valid_to="2020-01-01")
    assert found(address_index(user=clerk), "宝都街道站前社区") == "370725001"


def test_the_index_is_built_in_two_queries(regions, make_user, django_assert_num_queries):
    county = make_user(Role.COUNTY_ADMIN, "370725")
    with django_assert_num_queries(2):
        index = address_index(user=county)
    with django_assert_num_queries(0):
        for _ in range(100):
            index.resolve("昌乐县宝都街道站前社区")
