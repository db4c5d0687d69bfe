"""What a ledger's rows mean: one importer per ledger kind, plugged into the import engine
(:mod:`shian.imports.importer`).

Each importer checks its rows against the domain rules and the database (identifiers, regions inside the
importer's jurisdiction, references, duplicates in the file) with a few set-based queries, never one per
row, and plans the records each good row creates or updates; the engine writes them and keeps the per-row
outcome for rollback.
"""

from shian.imports.importer import Importer

from .assignments import AssignmentImporter
from .cadres import CadreImporter
from .entities import EntityImporter
from .personnel import PersonnelImporter

IMPORTERS: dict[str, type[Importer]] = {
    "entities": EntityImporter,
    "cadres": CadreImporter,
    "assignments": AssignmentImporter,
    "personnel": PersonnelImporter,
}
