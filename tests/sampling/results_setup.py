"""Received samples ready for lab results (docs/sampling.md §4), on the station world of samples_setup."""

import pytest

from shian.sampling.testing import make_samples

from .samples_setup import station_world_fixture  # noqa: F401


@pytest.fixture(name="lab_world")
def lab_world_fixture(station_world):
    """Three received samples at 宝都超市, made by 张抽样 and sent to the world's lab."""
    w = station_world
    w["samples"] = make_samples(3, entity=w["shop"], lab=w["lab"], created_by=w["zhang"], prefix="CJ2026370725")
    return w
