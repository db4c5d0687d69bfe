"""Issue 18 item 9: the address resolver over a 50,000-row platform export. Builds the index of 昌乐县 (a
county importer) and of the whole of Shandong (a province importer, 62,000 villages) from the vendored
region lists, then resolves 50,000 generated addresses in the shapes clerks write (full, 市/县 omitted, short
township, committee names, a street only), printing build and resolve times and how many came out right.
Last, a 50,000-row 主体台账 without a 区划代码 column is validated and committed by a county account on a
scratch SQLite database, every region read from the address."""

import csv
import io
import os
import random
import sys
import tempfile
import time

from common import ROOT, emit

N = 50_000

TMP = tempfile.TemporaryDirectory()
os.environ.update(
    DATABASE_URL=f"sqlite:///{TMP.name}/bench.sqlite3", SHIAN_VAR_DIR=TMP.name, DJANGO_SETTINGS_MODULE="shian.settings"
)
sys.path.insert(0, str(ROOT))
import django  # noqa: E402

django.setup()
from shian.regions.addresses import AddressIndex  # noqa: E402


def load(province: str) -> list[tuple[str, str]]:
    """(code, name) of the province and everything in it, from data/regions."""
    out = []
    for name, column in (("provinces", "code"), ("cities", "provinceCode"), ("areas", "provinceCode")):
        with open(ROOT / "data" / "regions" / f"{name}.csv", encoding="utf-8") as handle:
            out += [(r["code"], r["name"]) for r in csv.DictReader(handle) if r[column] == province]
    with open(ROOT / "data" / "regions" / "streets.csv", encoding="utf-8") as handle:
        out += [(r["code"], r["name"]) for r in csv.DictReader(handle) if r["provinceCode"] == province]
    with open(ROOT / "data" / "regions" / f"villages-{province}.csv", encoding="utf-8") as handle:
        out += [(r["code"], r["name"]) for r in csv.DictReader(handle)]
    return out


def addresses(regions: list[tuple[str, str]], root: str, rng: random.Random) -> list[tuple[str, str]]:
    """(address, the region it should resolve to) for villages under root."""
    names = dict(regions)
    villages = [code for code, _name in regions if len(code) == 12 and code.startswith(root)]
    out = []
    for i in range(N):
        village = villages[rng.randrange(len(villages))]
        province, city, county, town = (names.get(village[:n], "") for n in (2, 4, 6, 9))
        short_town = town.removesuffix("街道办事处").removesuffix("街道").removesuffix("镇").removesuffix("乡")
        committee = names[village]
        short_village = committee.replace("村民委员会", "村").replace("居民委员会", "").replace("委员会", "")
        street = f"幸福路{i % 500}号"
        shape = i % 5
        if shape == 0:
            out.append((f"{province}{city}{county}{town}{committee}{street}", village))
        elif shape == 1:
            out.append((f"{county}{town}{short_village}{street}", village))
        elif shape == 2:
            out.append((f"{short_town}{short_village}委会东50米", village))
        elif shape == 3:
            out.append((f"{city}{county}{town}{street}", village[:9]))
        else:
            out.append((f"{town}{street}", village[:9]))
    return out


def run(regions, root, rng):
    started = time.perf_counter()
    index = AddressIndex(regions, root=root)
    built = time.perf_counter() - started
    sample = addresses(regions, root, rng)
    started = time.perf_counter()
    results = [index.resolve(address) for address, _expected in sample]
    resolved = time.perf_counter() - started
    right = sum(
        r.region is not None and r.region.code == expected for r, (_a, expected) in zip(results, sample, strict=True)
    )
    ambiguous = sum(r.status == "ambiguous" for r in results)
    return {
        "regions_indexed": len(index),
        "build_s": round(built, 2),
        "resolve_50k_s": round(resolved, 2),
        "per_address_us": round(resolved / N * 1e6, 1),
        "right_share": round(right / N, 4),
        "ambiguous_share": round(ambiguous / N, 4),
    }


def ledger(regions) -> dict:
    """A county's 50,000-row entity ledger with addresses and no region codes, through the import pipeline."""
    from django.core.management import call_command

    from shian.accounts.models import Role, User
    from shian.entities.models import Entity
    from shian.entities.validators import make_uscc
    from shian.ledgers import services

    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_regions", "--villages", "370725", verbosity=0, stdout=io.StringIO())
    clerk = User.objects.create_user("bench-county", password="bench", role=Role.COUNTY_ADMIN, region_id="370725")
    sample = addresses(regions, "370725", random.Random(9))
    lines = ["主体名称,统一社会信用代码,主体类别,住所,许可证编号"]
    for i, (address, _expected) in enumerate(sample):
        lines.append(
            f"基准饭店{i},{make_uscc(region='370725', org_base=f'M{i:07d}')},餐饮服务,{address},JY2370725{i:06d}1"
        )
    data = ("\n".join(lines) + "\n").encode("utf-8")
    figures = {}
    for mode in ("dry_run", "commit"):
        started = time.perf_counter()
        batch = services.process_batch(
            services.create_batch(actor=clerk, kind="entities", name="平台导出.csv", data=data, mode=mode)
        )
        figures[f"{mode}_s"] = round(time.perf_counter() - started, 2)
        assert not batch.errors, batch.errors[:3]
    expected = dict(zip((f"基准饭店{i}" for i in range(N)), (code for _a, code in sample), strict=True))
    placed = dict(Entity.objects.values_list("name", "region_id"))
    figures["rows"], figures["right_share"] = N, round(sum(placed[k] == v for k, v in expected.items()) / N, 4)
    return figures


shandong = load("37")
county = run(shandong, "370725", random.Random(18))
province = run(shandong, "37", random.Random(18))
import_figures = ledger(shandong)
TMP.cleanup()
emit("addresses", addresses=N, county=county, province=province, ledger_without_region_codes=import_figures)
