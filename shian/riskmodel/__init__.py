"""Predictive inspection priority (docs/warnings.md; issue 24 parts 3-4): a model of the chance that an entity's
next inspection finds a 重点项 failure, trained and scored from records available before the inspection."""
