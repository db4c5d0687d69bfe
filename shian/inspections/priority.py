"""The risk model's score as an optional weight (docs/inspections.md §3 and §4, docs/riskmodel.md §5): an app above
inspections (the risk model) registers its providers, and inspections asks them without importing that app.

- The yearly plan asks `weights` once for the planned entities and gives a lead inspector first to the items with
  the higher weight *within* the same reason and band. The number of inspections per entity (the band's legal
  minimum) never depends on it.
- A score-weighted 双随机 draw (algorithm `sha256-sample-v2`) asks `scores` once for its candidates: the version of
  the model in use and its probabilities, read together so the draw can record which model weighted it.

    register_priority(provider)   # provider(entity_ids: list[int]) -> dict[entity_id, float]  (higher = sooner)
    register_scores(provider)     # provider(entity_ids) -> (model version or None, {entity_id: probability})"""

from collections.abc import Callable

Provider = Callable[[list[int]], dict[int, float]]
ScoreProvider = Callable[[list[int]], tuple[str | None, dict[int, float]]]

_PROVIDER: list[Provider] = []
_SCORES: list[ScoreProvider] = []


def register_priority(provider: Provider) -> None:
    if _PROVIDER and _PROVIDER[0] is not provider:
        raise ValueError("an inspection priority provider is already registered")
    _PROVIDER[:] = [provider]


def register_scores(provider: ScoreProvider) -> None:
    if _SCORES and _SCORES[0] is not provider:
        raise ValueError("an inspection score provider is already registered")
    _SCORES[:] = [provider]


def weights(entity_ids: list[int]) -> dict[int, float]:
    """The registered provider's weights of these entities ({} without a provider)."""
    return _PROVIDER[0](entity_ids) if _PROVIDER else {}


def scores(entity_ids: list[int]) -> tuple[str | None, dict[int, float]]:
    """The model in use (its version label) and its probabilities of these entities; (None, {}) without a model
    in use or without a provider."""
    return _SCORES[0](entity_ids) if _SCORES else (None, {})
