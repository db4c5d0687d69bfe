"""The opening every module importer shares (docs/architecture.md §6.5): the region the file is imported into (the
actor's jurisdiction, narrowed to a chosen region inside it), the sheet read by its spec, and the module's row
limit (a rule) — each problem a ValidationError naming the field ("region" or "file") a form shows it on."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shian.core import rules
from shian.core.jurisdiction import scope_prefix

from .cells import ImportFileError
from .reading import Sheet, read_sheet
from .specs import TableSpec


def open_scoped_sheet(
    *,
    actor,
    data: bytes,
    filename: str,
    spec: TableSpec,
    region_code: str,
    max_rows_rule: str,
    empty: str,
    need_region: bool = False,
) -> tuple[str, Sheet]:
    """(the region code the rows go into, the sheet). `max_rows_rule` names the module's row-limit rule; `empty`
    is the message for a file without rows; `need_region` refuses an actor with no jurisdiction and no choice."""
    scope = scope_prefix(actor) or ""
    within = region_code or scope
    if (need_region and not within) or not within.startswith(scope):
        raise ValidationError({"region": [_("请指定导入的区划（在您的管辖范围内）。")]})
    try:
        sheet = read_sheet(data, filename, spec)
    except ImportFileError as exc:
        raise ValidationError({"file": [exc.message]}) from exc
    limit = rules.value(max_rows_rule, within)
    if len(sheet.rows) > limit:
        raise ValidationError({"file": [_("一次最多导入 %(n)d 条，请分批导入。") % {"n": limit}]})
    if not sheet.rows and not sheet.errors:
        raise ValidationError({"file": [empty]})
    return within, sheet
