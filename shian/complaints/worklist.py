"""Work-list items of complaints (shian.core.worklist)."""
