"""Region levels from code lengths: the one place that knows a GB/T 2260 code's length per level.

A region's code is its significant prefix (37, 3707, 370725, 370725001, 370725001001), so its level follows
from its length. Core may not import the regions app; `regions.Region` builds its `CODE_LENGTHS` from here.

    PROVINCE ... VILLAGE     the levels 1..5 (the values of regions.Region.Level)
    LENGTHS                  (2, 4, 6, 9, 12): province, city, county, township, village
    LEVEL_LENGTH             {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}: a level (Region.Level value) to its code length
    level_of(code)           1..5 for a region code, 0 for '' (the whole country), None for any other length
    child_length(code)       the code length one level below (a county's townships); 12 below a village
    ancestor(code, level)    the code of `code`'s region at `level` ('' when `code` lies above that level)
    prefixes(code)           the codes of the region and every region above it, province first
    is_region_code(code)     digits of one of the five lengths
"""

PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE = 1, 2, 3, 4, 5  # the levels (regions.Region.Level values)
LENGTHS = (2, 4, 6, 9, 12)
LEVEL_LENGTH = {level: length for level, length in enumerate(LENGTHS, start=1)}
_LEVEL_OF_LENGTH = {0: 0, **{length: level for level, length in LEVEL_LENGTH.items()}}
VILLAGE_LENGTH = LENGTHS[-1]

# the code length one level below a region code's length: a county's townships, a township's villages
CHILD_LENGTH = {0: 2, **dict(zip(LENGTHS, LENGTHS[1:], strict=False)), VILLAGE_LENGTH: VILLAGE_LENGTH}


def level_of(code: str | None) -> int | None:
    """1 (province) to 5 (village) for a region code; 0 for '' or None (the whole country); None otherwise."""
    return _LEVEL_OF_LENGTH.get(len(code or ""))


def child_length(code: str | None) -> int:
    """The code length of the regions one level below `code` ('' → provinces); 12 at and below a village."""
    return CHILD_LENGTH.get(len(code or ""), VILLAGE_LENGTH)


def ancestor(code: str | None, level: int) -> str:
    """The code of the region at `level` that contains `code` (370725001001 at COUNTY → 370725); '' when `code`
    is above that level."""
    length = LEVEL_LENGTH[level]
    return code[:length] if code and len(code) >= length else ""


def prefixes(code: str | None, *, national: bool = False) -> list[str]:
    """The codes of `code`'s region and of every region above it (37, 3707, 370725, ...), province first;
    with `national`, '' (the whole country) first."""
    code = code or ""
    out = [code[:n] for n in LENGTHS if len(code) >= n]
    return ["", *out] if national else out


def is_region_code(code: str) -> bool:
    return code.isdigit() and len(code) in LENGTHS
