"""Fixtures of the case tests: the visit world (tests/visits/conftest.py) and the people of tests/cases/cases_setup.py."""

from tests.visits.conftest import world  # noqa: F401

from .cases_setup import people_fixture  # noqa: F401
