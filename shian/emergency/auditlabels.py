"""Labels of emergency's audit actions (shian.core.actionlabels) and notification kinds (shian.core.notifykinds)."""
