"""The credit class's arithmetic (docs/credit.md §2): linear decay over each kind's window, states in full, good
records adding, the total kept within 0..base, the bands by the cut-offs, and regional overrides of the rules."""

import datetime
from decimal import Decimal

import pytest

from shian.core.models import DeadlineRule
from shian.core.rules import COUNT
from shian.credit.ruledefs import BAND_A, BAND_B, BAND_C, BASE_POINTS
from shian.credit.services.scoring import Rulesets, band_of, ruleset, score

TODAY = datetime.date(2026, 12, 5)
pytestmark = pytest.mark.django_db


def _rs():
    return ruleset("370725001001", TODAY)


def test_an_event_today_counts_its_full_points_and_fades_linearly_to_nothing_over_its_window():
    rs = _rs()
    window, points = rs.windows["sample_fail"], rs.points["sample_fail"]
    fresh, _b, events = score(rs, [("sample_fail", TODAY, 1)], [], TODAY)
    assert fresh == rs.base - points
    assert events[0]["kind"] == "sample_fail" and events[0]["points"] == -points
    half = TODAY - datetime.timedelta(days=window // 2)
    halfway, _b, _e = score(rs, [("sample_fail", half, 1)], [], TODAY)
    expected = Decimal(rs.base) - Decimal(points) * (window - window // 2) / window
    assert halfway == expected.quantize(Decimal("0.01"))
    gone, _b, events = score(rs, [("sample_fail", TODAY - datetime.timedelta(days=window), 1)], [], TODAY)
    assert gone == rs.base and events == []


def test_states_count_in_full_and_good_records_add_but_never_above_the_base():
    rs = _rs()
    listed, band, _e = score(rs, [], [("dishonesty", 1)], TODAY)
    assert listed == rs.base - rs.points["dishonesty"]
    assert band in ("C", "D")
    insured_only, _b, events = score(rs, [], [("insured", 1)], TODAY)
    assert insured_only == rs.base and events[0]["points"] == rs.points["insured"]
    both, _b, _e = score(rs, [("penalty", TODAY, 1)], [("insured", 1)], TODAY)
    assert both == rs.base - rs.points["penalty"] + rs.points["insured"]


def test_the_total_never_goes_below_zero():
    rs = _rs()
    points, band, _e = score(rs, [("penalty", TODAY, 50)], [], TODAY)
    assert points == 0 and band == "D"


def test_bands_follow_the_cut_offs():
    cuts = (90, 75, 60)
    assert [band_of(Decimal(p), cuts) for p in (100, 90, 89.99, 75, 60, 59.5, 0)] == ["A", "A", "B", "B", "C", "D", "D"]


def test_a_county_override_changes_the_points_there_only(regions):
    DeadlineRule.objects.create(code="credit.points.penalty", name="处罚扣分", region_prefix="370725", version=1,
                                unit=COUNT, amount=30, valid_from=datetime.date(2026, 1, 1), source="县规定")  # fmt: skip
    sets = Rulesets(TODAY)
    here, elsewhere = sets.for_region("370725001001"), sets.for_region("370304001")
    assert here.points["penalty"] == 30
    assert elsewhere.points["penalty"] == ruleset("", TODAY).points["penalty"]
    assert here.version != elsewhere.version
    assert sets.key("370725107201") == sets.key("370725001001") == ("370725",)


def test_the_cut_offs_are_rules():
    rs = _rs()
    assert rs.base == BASE_POINTS.default
    assert rs.cuts == (BAND_A.default, BAND_B.default, BAND_C.default)
