"""Input types shared by every router: bounded, NUL-free strings and id ranges the databases accept."""

from typing import Annotated

from ninja import Path, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import Field, StringConstraints

Text = Annotated[str, StringConstraints(max_length=200, pattern=r"^[^\x00]*$")]
ShortText = Annotated[str, StringConstraints(max_length=50, pattern=r"^[^\x00]*$")]
RegionCode = Annotated[str, StringConstraints(pattern=r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})$")]
Id = Annotated[int, Path(ge=1, le=2**53)]
IdField = Annotated[int, Field(ge=1, le=2**53)]


class Pages(LimitOffsetPagination):
    """Limit and offset bounded, so a huge number is a 422 rather than a database overflow."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(0, ge=0, le=2**53)


class FigureOut(Schema):
    """A module overview's figure beside its target (shian/core/kpis.py `figures`)."""

    key: str
    label: str
    unit: str
    value: float | None
    target: int | None
    met: bool | None
    better: str


class AreaOut(Schema):
    """One area (or entity) of a module overview with each figure's value (shian/core/kpis.py `area_rows`)."""

    code: str
    name: str
    direct: bool
    values: dict[str, float | None]
