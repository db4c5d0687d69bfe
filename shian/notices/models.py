"""The commission's graded official notices (三书一函) with reply deadlines and escalation (docs/notices.md)."""

from django.db import models  # noqa: F401
