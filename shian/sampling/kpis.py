"""Sampling figures for the dashboard and the sampling overview (docs/sampling.md, docs/kpis.md); each part of
docs/sampling.md registers its own block, every figure built from additive parts (shian/core/kpis.py)."""

# -- plans: plan completion, pass rate, coverage of producers --


# -- lab results and disposal: disposal rate, disposal on time --


# -- public: results published, 你点我检, rapid tests --
