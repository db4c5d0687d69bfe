"""Labels of cases's audit actions (shian.core.actionlabels) and notification kinds (shian.core.notifykinds)."""
