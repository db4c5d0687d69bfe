"""What other apps read of the risk model (the quarterly consultation report's model section)."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class ModelSummary:
    """The model in use: its version label, when and up to which cut-off it was trained, on how many rows, with
    which features, and its held-out AUC beside the current plan's ordering (baseline)."""

    version: str
    trained_at: datetime.datetime
    cutoff: datetime.date
    rows: int
    features: tuple[str, ...]
    auc: float
    baseline_auc: float


def current_model() -> ModelSummary | None:
    """The model in use, or None while no model has been trained."""
    return None
