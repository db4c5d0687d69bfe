"""Models of emergency (docs/emergency.md)."""

from django.db import models  # noqa: F401
