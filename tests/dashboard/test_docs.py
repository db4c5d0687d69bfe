"""docs/kpis.md defines every figure the dashboard shows: a KPI, breakdown or series registered without its
definition fails here."""

from pathlib import Path

from shian.core import kpis as registry

DOC = (Path(__file__).resolve().parents[2] / "docs" / "kpis.md").read_text(encoding="utf-8")


def test_every_registered_figure_is_defined_in_docs():
    keys = [k.key for k in registry.kpis()] + [b.key for b in registry.breakdowns()]
    keys += [s.key for s in registry.series()]
    assert len(keys) >= 20
    missing = [key for key in keys if f"`{key}`" not in DOC]
    assert missing == []
