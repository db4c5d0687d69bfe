"""Recurring jobs of cases (shian.core.schedule), imported from the app's ready(); each part keeps its own block."""
