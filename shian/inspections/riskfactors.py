"""Where the dynamic risk score's events come from (docs/inspections.md §2). Each source registers a provider for
a factor code of the scheme's dynamic table; the grading service asks every provider once per grading run for all
the entities at once, so grading a province stays a handful of queries.

    register_factor("failed_samples", provider)   # provider(entity_ids: list[int] | None, since: date, prefix: str)
                                                  #   -> dict[entity_id, int]  (events since `since`, per entity;
                                                  #   entity_ids None = every entity under `prefix`)

Inspections registers `inspection` (the outcome of the last inspection is looked up by the grading service itself)
and later modules register theirs (sampling: failed_samples; complaints and cases: complaints, cases; incidents;
credit). A factor with no provider scores 0 and the grade says so ("无数据来源")."""

from collections.abc import Callable

Provider = Callable[..., dict[int, int]]

_PROVIDERS: dict[str, Provider] = {}


def register_factor(code: str, provider: Provider) -> None:
    if code in _PROVIDERS and _PROVIDERS[code] is not provider:
        raise ValueError(f"risk factor {code!r} already has a provider")
    _PROVIDERS[code] = provider


def provider_for(code: str) -> Provider | None:
    return _PROVIDERS.get(code)


def registered() -> dict[str, Provider]:
    return dict(_PROVIDERS)
