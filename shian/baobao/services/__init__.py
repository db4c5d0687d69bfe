"""包保 writes, one topic per module; the use cases are importable from here (`services.create_cadre(...)`).

- cadres.py — the cadre roster (create, update, left) and the yearly commitment;
- grades.py — grading entities and manual grade overrides;
- assignment.py — solving the assignment into a draft run, publishing a run;
- changes.py — detecting 包保 changes with their deadlines, settling them on publication;
- policy.py — a new version of the 包保 policy;
- scope.py — the region a bulk write works on.
"""

from .assignment import assign_cadres, publish_run
from .cadres import CADRE_FIELDS, confirm_commitment, create_cadre, record_cadre_left, update_cadre
from .changes import REASSIGN_RULE, REPORT_RULE, detect_changes
from .grades import grade_entities, override_grade
from .policy import add_policy_version

__all__ = [
    "add_policy_version",
    "CADRE_FIELDS",
    "REASSIGN_RULE",
    "REPORT_RULE",
    "assign_cadres",
    "confirm_commitment",
    "create_cadre",
    "detect_changes",
    "grade_entities",
    "override_grade",
    "publish_run",
    "record_cadre_left",
    "update_cadre",
]
