"""Risk grading (docs/inspections.md §2). The grading part of issue 19 fills this module; other parts call
`regrade_entities` after an inspection or a failed sample."""


def regrade_entities(entity_ids, *, trigger: str, actor=None) -> int:
    """Regrade these entities now (after an inspection, a failed sample...); returns how many were graded."""
    return 0
