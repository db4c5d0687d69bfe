"""Work-list items of cases (shian.core.worklist)."""
