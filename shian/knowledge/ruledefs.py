"""Rule numbers of the knowledge tests, with their defaults; a region overrides one in the rule store."""

from shian.core.rules import MINUTES, register_rule

# How often the scheduler hands in papers whose time ran out (shian/knowledge/jobs.py).
CLOSE_ATTEMPTS_MINUTES = register_rule(
    "knowledge.close_attempts_minutes", default=5, unit=MINUTES, name="超时试卷自动交卷检查间隔",
    source="docs/architecture.md §6.3",
)  # fmt: skip
