"""Work-list items of emergency (shian.core.worklist)."""
