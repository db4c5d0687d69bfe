"""The checklist kinds, registered by the modules that fill checklists (the engine names none of its own).

A module registers its kinds once, from its AppConfig.ready():

    from shian.checklists.kinds import register_kinds

    class InspectionsConfig(AppConfig):
        def ready(self):
            register_kinds(InspectionKind.choices)   # any (value, label) pairs; values up to 20 characters

`Checklist.kind` is a plain CharField whose choices are read from here when asked (a callable), so adding a
kind needs no migration and no edit of the engine. Values share one column across modules: a module picks
values no other module uses (visits has the plain business families: catering, sales, ...; a later module
prefixes its own, e.g. "insp_catering"). Registering a value another module registered is refused."""

_KINDS: dict[str, object] = {}


def register_kinds(choices) -> None:
    """Add (value, label) pairs. Registering the same pair again is harmless (a second ready() call); the same
    value with another label is a clash between modules and refused."""
    for value, label in choices:
        value = str(value)
        if len(value) > 20:
            raise ValueError(f"checklist kind {value!r} is longer than 20 characters")
        if value in _KINDS and str(_KINDS[value]) != str(label):
            raise ValueError(f"checklist kind {value!r} is already registered as {_KINDS[value]!s}")
        _KINDS[value] = label


def kind_choices() -> list[tuple[str, object]]:
    """Every registered kind as (value, label), in registration order (the field's `choices`)."""
    return list(_KINDS.items())


def is_kind(value) -> bool:
    return str(value) in _KINDS
