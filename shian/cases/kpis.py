"""Figures of cases for the dashboard (docs/cases.md, docs/kpis.md), built from additive parts (shian/core/kpis.py)."""
