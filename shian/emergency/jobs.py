"""Recurring jobs of emergency (shian.core.schedule), imported from the app's ready(); each part keeps its own block."""
