"""Recurring jobs of complaints (shian.core.schedule), imported from the app's ready(); each part keeps its own block."""
