"""Writes to grids (网格). Region loading and holidays live beside them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shian.accounts.models import Role
from shian.core import audit
from shian.core.jurisdiction import require_in_scope
from shian.core.permissions import require_perm

from .models import Grid, Region


def _check_grid(*, actor, region_code: str, parent_code: str | None, worker) -> tuple[Region, Grid | None]:
    require_in_scope(actor, region_code)
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ValidationError({"region_code": _("区划代码不存在：%(code)s") % {"code": region_code}})
    if region.level not in (Region.Level.TOWNSHIP, Region.Level.VILLAGE):
        raise ValidationError({"region_code": _("网格所属区划必须是乡镇或村（社区）。")})
    parent = None
    if parent_code:
        parent = Grid.objects.filter(code=parent_code, region__code__startswith=region.code[:9]).first()
        if parent is None:
            raise ValidationError({"parent_code": _("上级网格不存在或不在同一乡镇：%(code)s") % {"code": parent_code}})
    if worker is not None:
        if worker.role != Role.GRID_WORKER:
            raise ValidationError({"worker": _("网格负责人必须是网格员账号。")})
        if not (worker.region_id and region.code.startswith(worker.region_id[:9])):
            raise ValidationError({"worker": _("网格员所属区划与网格不一致。")})
    return region, parent


@transaction.atomic
def create_grid(*, actor, code: str, name: str, kind: str, region_code: str, parent_code=None, worker=None) -> Grid:
    require_perm(actor, "regions.manage_grids")
    region, parent = _check_grid(actor=actor, region_code=region_code, parent_code=parent_code, worker=worker)
    if Grid.objects.filter(code=code).exists():
        raise ValidationError({"code": _("网格编码已存在：%(code)s") % {"code": code}})
    grid = Grid(code=code, name=name, kind=kind, region=region, parent=parent, worker=worker)
    grid.full_clean()
    grid.save()
    audit.record(actor=actor, action="grid.create", obj=grid, region_code=region.code, after=audit.snapshot(grid))
    return grid
