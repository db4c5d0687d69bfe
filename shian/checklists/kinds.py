"""The checklist kinds, registered by the modules that fill checklists (the engine names none of its own).

A module registers its kinds once, from its AppConfig.ready():

    from shian.checklists.kinds import register_kinds

    class InspectionsConfig(AppConfig):
        def ready(self):
            register_kinds(InspectionKind.choices)   # any (value, label) pairs; values up to 20 characters

`Checklist.kind` is a plain CharField whose choices are read from here when asked (a callable), so adding a
kind needs no migration and no edit of the engine."""

_KINDS: dict[str, object] = {}


def register_kinds(choices) -> None:
    """Add (value, label) pairs; registering a value again keeps one entry (the latest label)."""
    for value, label in choices:
        if len(str(value)) > 20:
            raise ValueError(f"checklist kind {value!r} is longer than 20 characters")
        _KINDS[str(value)] = label


def kind_choices() -> list[tuple[str, object]]:
    """Every registered kind as (value, label), in registration order (the field's `choices`)."""
    return list(_KINDS.items())


def is_kind(value) -> bool:
    return str(value) in _KINDS
