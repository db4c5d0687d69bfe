"""Models of cases (docs/cases.md)."""

from django.db import models  # noqa: F401
