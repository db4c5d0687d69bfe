"""Figures of complaints for the dashboard (docs/complaints.md, docs/kpis.md), built from additive parts (shian/core/kpis.py)."""
