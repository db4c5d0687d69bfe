"""The entity ledger template's example row names a region that exists (issue 18 item 8): a clerk who keeps the
example's region code and types over the rest imports cleanly into the demo county."""

import io

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from shian.accounts.models import Role, User
from shian.imports.workbooks import template_xlsx
from shian.ledgers import services
from shian.ledgers.specs import ENTITIES
from shian.regions.models import Region
from shian.regions.services import DATA_DIR, load_regions

DEMO_COUNTY = "370725"  # `make demo` loads this county's real tree (villages included)


def _demo_tree(tmp_path):
    """The vendored region files cut down to the demo county's branch, loaded as `make demo` loads them."""
    keep = ("37", "3707", DEMO_COUNTY)
    for name in ("provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages-37.csv"):
        lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
        rows = [line for line in lines[1:] if line.split(",")[0] in keep or line.startswith(DEMO_COUNTY)]
        (tmp_path / name).write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")
    load_regions(data_dir=tmp_path, village_prefixes=[DEMO_COUNTY])


@pytest.mark.django_db
def test_template_example_row_validates_against_the_demo_regions(tmp_path):
    _demo_tree(tmp_path)
    example = ENTITIES.column("region_code").example
    assert Region.objects.get(code=example).level == Region.Level.VILLAGE
    rows = CalamineWorkbook.from_filelike(io.BytesIO(template_xlsx(ENTITIES))).get_sheet_by_index(0).to_python()
    header, filled = rows[0], [str(v) for v in rows[1]]
    filled[header.index(next(h for h in header if "主体名称" in h))] = "恒盛社区惠民餐馆"  # typed over the example
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"strings_to_numbers": False}) as workbook:
        sheet = workbook.add_worksheet()
        for r, cells in enumerate((header, filled)):
            for c, value in enumerate(cells):
                sheet.write_string(r, c, value)
    clerk = User.objects.create_user(username="clerk", password="x" * 12, role=Role.COUNTY_ADMIN, region_id=DEMO_COUNTY)
    batch = services.process_batch(
        services.create_batch(
            actor=clerk, kind="entities", name="主体台账.xlsx", data=buffer.getvalue(), mode="dry_run"
        )
    )
    assert batch.errors == [] and batch.counts["created"] == 1, batch.errors
