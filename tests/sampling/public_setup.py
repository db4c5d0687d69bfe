"""Published and unpublished results for the disclosure tests (docs/sampling.md §5)."""

import datetime

from django.utils import timezone

from shian.sampling.models import Disposal, Sample, SampleResult

_n = {"n": 0}


def make_result(world, *, entity=None, conclusion="pass", product="酱油", category="condiment", report_date=None,
                published=None, failed_item=None) -> Sample:  # fmt: skip
    """A reported sample with a conclusion, sampled by the station world's two inspectors."""
    _n["n"] += 1
    entity = entity or world["shop"]
    now = timezone.now()
    sample = Sample.objects.create(
        number=f"CJTEST-{_n['n']:05d}", entity=entity, region_id=entity.region_id, category=category,
        product=product, quantity="6瓶", producer_name="佛山市海天调味食品股份有限公司", lab=world["lab"],
        sampled_at=now - datetime.timedelta(days=30), to_lab_due=now - datetime.timedelta(days=25),
        status=Sample.Status.REPORTED, conclusion=conclusion, report_number=f"R-{_n['n']:05d}",
        report_date=report_date or timezone.localdate(), entity_signer="孙店长", published_at=published,
        created_by=world["zhang"],
    )  # fmt: skip
    sample.samplers.set([world["zhang"], world["li"]])
    if conclusion == "fail":
        SampleResult.objects.create(sample=sample, item=failed_item or "菌落总数", value="5.2×10⁵", limit="≤10⁴",
                                    unit="CFU/g", verdict="fail")  # fmt: skip
    SampleResult.objects.create(sample=sample, item="苯甲酸", value="0.1", limit="≤1.0", unit="g/kg", verdict="pass")
    return sample


def close_disposal(sample: Sample) -> Disposal:
    now = timezone.now()
    return Disposal.objects.create(sample=sample, entity=sample.entity, region_id=sample.region_id,
                                   status=Disposal.Status.CLOSED, opened_at=now, due_at=now, retest_due=now,
                                   closed_at=now, on_time=True)  # fmt: skip
