"""Issue 20 on SQLite: a 50,000-row lab-result file (10,000 received samples x 5 items, 2% of the samples failed)
read, validated and committed all-or-nothing, the failed samples' disposal cases opened (< 10 s); and the same
file with one bad cell refused with nothing stored."""

import os
import sys
import tempfile
import time

from common import ROOT, emit

SAMPLES, ITEMS, FAIL_EVERY = 10_000, 5, 50
TARGET_S = 10

with tempfile.TemporaryDirectory() as tmp:
    os.environ.update(
        DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3", SHIAN_VAR_DIR=tmp, DJANGO_SETTINGS_MODULE="shian.settings"
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_regions", verbosity=0)

    from shian.accounts.models import User
    from shian.entities.models import Entity
    from shian.sampling.models import Disposal, Lab, SampleResult
    from shian.sampling.services import results
    from shian.sampling.testing import lab_rows, lab_xlsx, make_samples

    admin = User.objects.create_superuser("bench-admin", password="bench")
    lab = Lab.objects.create(name="基准检验所", code="BENCH-LAB", region_id="370725")
    entities = [Entity(name=f"基准超市{i}", region_id="370725", business_type="sales") for i in range(100)]
    Entity.objects.bulk_create(entities)
    samples = []
    for n, entity in enumerate(entities):
        samples += make_samples(
            SAMPLES // len(entities), entity=entity, lab=lab, created_by=admin, prefix=f"CJB{n:03d}"
        )
    fail = {i for i in range(len(samples)) if i % FAIL_EVERY == 0}
    rows = lab_rows(samples, items=ITEMS, fail=fail)
    data = lab_xlsx(rows)

    def run(payload: bytes):
        started = time.perf_counter()
        batch = results.process_batch(results.create_batch(actor=admin, name="lab.xlsx", data=payload))
        return time.perf_counter() - started, batch

    rows[len(rows) // 2]["标准值/限量"] = ""
    bad_s, bad = run(lab_xlsx(rows))
    assert bad.status == "rejected" and not SampleResult.objects.exists(), bad.status
    import_s, batch = run(data)
    assert batch.status == "committed", batch.errors[:3]
    assert SampleResult.objects.count() == len(samples) * ITEMS
    opened = Disposal.objects.count()
    assert opened == len(fail), opened

emit(
    "lab_import",
    rows=len(samples) * ITEMS,
    samples=len(samples),
    failed_samples=opened,
    import_s=round(import_s, 2),
    import_target_s=TARGET_S,
    refused_file_s=round(bad_s, 2),
    file_mib=round(len(data) / 2**20, 2),
)
