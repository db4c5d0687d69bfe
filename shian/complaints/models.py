"""Models of complaints (docs/complaints.md)."""

from django.db import models  # noqa: F401
