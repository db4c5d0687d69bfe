"""The import graph of `shian` has no cycle between modules: each file builds only on files below it.

`make lint` checks the same and the layers between the apps with import-linter (pyproject.toml); this test
names the cycle a change made, module by module, whenever the suite runs."""

import grimp
import pytest

# Module pairs allowed to import each other (none: keep it so).
KNOWN: set[tuple[str, str]] = set()


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("shian", include_external_packages=False, cache_dir=None)


def test_no_import_cycle_between_modules(graph):
    cycles = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if (importer, imported) in KNOWN or (imported, importer) in KNOWN:
                continue
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back:
                cycles.append(" -> ".join((importer, *back)))
    assert cycles == []


def _app(module: str) -> str:
    return (module.split(".") + [""])[1]


def test_core_and_reports_import_no_domain_app(graph):
    above = {"regions", "entities", "accounts", "baobao", "visits", "duties", "knowledge", "ledgers", "dashboard"}
    above |= {"demo", "api", "web", "urls"}
    upward = sorted(
        f"{module} -> {imported}"
        for module in graph.modules
        if _app(module) in ("core", "reports")
        for imported in graph.find_modules_directly_imported_by(module)
        if _app(imported) in above
    )
    assert upward == []
