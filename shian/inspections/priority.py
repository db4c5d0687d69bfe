"""An optional weight for the order of work inside a band (docs/inspections.md §3, docs/riskmodel.md §5): an app
above inspections (the risk model) registers one provider, and the yearly plan asks it once for the planned
entities; the plan then gives a lead inspector first to the items with the higher weight *within* the same reason
and band. The number of inspections per entity (the band's legal minimum) never depends on it, and inspections
imports no app that provides it.

    register_priority(provider)   # provider(entity_ids: list[int]) -> dict[entity_id, float]  (higher = sooner)"""

from collections.abc import Callable

Provider = Callable[[list[int]], dict[int, float]]

_PROVIDER: list[Provider] = []


def register_priority(provider: Provider) -> None:
    if _PROVIDER and _PROVIDER[0] is not provider:
        raise ValueError("an inspection priority provider is already registered")
    _PROVIDER[:] = [provider]


def weights(entity_ids: list[int]) -> dict[int, float]:
    """The registered provider's weights of these entities ({} without a provider)."""
    return _PROVIDER[0](entity_ids) if _PROVIDER else {}
