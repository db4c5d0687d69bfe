"""Figures of emergency for the dashboard (docs/emergency.md, docs/kpis.md), built from additive parts (shian/core/kpis.py)."""
