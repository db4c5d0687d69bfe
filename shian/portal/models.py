"""The public portal and the public open-data API: businesses, ratings, samples and list editions for anyone, never people (docs/portal.md)."""

from django.db import models  # noqa: F401
