"""Fixtures of the credit tests (tests/credit/credit_world.py)."""

from .credit_world import cw  # noqa: F401
