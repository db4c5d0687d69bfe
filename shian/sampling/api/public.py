"""Sampling's public router for the open API (/api/open/v1/sampling, shian.api.open; docs/sampling.md §5): the
published results and 你点我检 campaigns, no login, keyset-paged, never people. Rate-limited per client address
by the open API itself."""

import datetime

from ninja import Query, Router, Schema
from pydantic import Field

from shian.accounts.access import ANYONE
from shian.core import rules
from shian.core.access import access
from shian.core.api_types import Id

from ..models import Sample
from ..ruledefs import PUBLIC_PAGE
from ..selectors import campaigns as campaign_selectors
from ..selectors import public as selectors
from ..services.publish import parse_month

router = Router(tags=["公开数据：抽检监测"])


class FailedItemOut(Schema):
    item: str
    value: str
    limit: str
    unit: str


class DisposalOut(Schema):
    status: str
    closed_at: datetime.datetime | None
    on_time: bool | None


class ResultOut(Schema):
    id: int
    published_at: datetime.datetime
    region_code: str
    region_name: str
    entity_name: str
    category: str
    kind: str
    product: str
    brand: str
    spec: str
    batch_number: str
    producer_name: str
    conclusion: str
    report_date: datetime.date | None
    failed_items: list[FailedItemOut]
    disposal: DisposalOut | None


class ResultPage(Schema):
    items: list[ResultOut]
    next: str = Field(description="下一页游标（after 参数）；为空表示已是最后一页")


class ResultFilter(Schema):
    region: str = Field("", max_length=12, pattern=r"^\d*$", description="区划代码（含下级）")
    category: str = Field("", max_length=30)
    conclusion: str = Field("", pattern=r"^(pass|fail)?$")
    month: str = Field("", pattern=r"^(\d{4}-\d{2})?$", description="公布月份，如 2026-03")
    after: str = Field("", max_length=40, pattern=r"^(\d+-\d+)?$")


def _result(s: Sample) -> dict:
    d = s.public_disposal
    return {
        "id": s.pk, "published_at": s.published_at, "region_code": s.region_id, "region_name": s.region.name,
        "entity_name": s.entity.name, "category": s.category, "kind": s.kind, "product": s.product,
        "brand": s.brand, "spec": s.spec, "batch_number": s.batch_number, "producer_name": s.producer_name,
        "conclusion": s.conclusion, "report_date": s.report_date,
        "failed_items": [{"item": r.item, "value": r.value, "limit": r.limit, "unit": r.unit} for r in s.failed_items],
        "disposal": {"status": d.status, "closed_at": d.closed_at, "on_time": d.on_time} if d else None,
    }  # fmt: skip


@router.get("/results", response=ResultPage, summary="已公布的抽检结果（按公布时间倒序，游标分页）")
@access(ANYONE)
def results(request, f: Query[ResultFilter]):
    filters = selectors.Filters(region=f.region, category=f.category, conclusion=f.conclusion,
                                month=parse_month(f.month))  # fmt: skip
    rows, nxt = selectors.results_page(filters, after=f.after, size=rules.value(PUBLIC_PAGE.code))
    return {"items": [_result(s) for s in rows], "next": nxt}


class ProposalOut(Schema):
    id: int
    product: str
    votes: int


class CampaignOut(Schema):
    id: int
    title: str
    region_code: str
    status: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime


class CampaignDetailOut(CampaignOut):
    proposals: list[ProposalOut]
    results: list[dict]


def _campaign(c) -> dict:
    return {"id": c.pk, "title": c.title, "region_code": c.region_id, "status": c.status, "opens_at": c.opens_at,
            "closes_at": c.closes_at}  # fmt: skip


@router.get("/campaigns", response=list[CampaignOut], summary="你点我检活动")
@access(ANYONE)
def campaigns(request):
    return [_campaign(c) for c in campaign_selectors.public_campaigns()[:100]]


@router.get("/campaigns/{pk}", response=CampaignDetailOut, summary="你点我检活动：候选食品、票数与检测结果")
@access(ANYONE, objects="campaign")
def campaign(request, pk: Id):
    c = campaign_selectors.public_campaign(pk)
    proposals = [{"id": p.pk, "product": p.product, "votes": p.n_votes}
                 for p in campaign_selectors.proposals_with_votes(c)]  # fmt: skip
    results = [{"product": s.product, "entity_name": s.entity.name, "conclusion": s.conclusion,
                "report_date": s.report_date.isoformat() if s.report_date else None}
               for s in campaign_selectors.winner_results(c)[:100]]  # fmt: skip
    return {**_campaign(c), "proposals": proposals, "results": results}
