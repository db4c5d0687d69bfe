"""Pages of samples (docs/sampling.md §3), phone first: the sample form (offline draft, photos and outbox of the
checklist engine), the list with its filters, one sample with its deadlines and results, sending and receipt,
the 抽样单 as PDF and the photos."""

import datetime
import mimetypes
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.access import SIGNED_IN, STATION
from shian.accounts.models import Role
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages
from shian.core.forms import error_messages, parse_moment
from shian.core.forms import int_or_none as _int
from shian.core.uploads import stored_file_response
from shian.reports.documents import attachment

from .. import documents
from ..models import Disposal, Sample, SamplingKind
from ..selectors import samples as selectors
from ..services import samples as services

PER_PAGE = 30
TEXT_FIELDS = services.TEXT_FIELDS


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _local_input(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


# -- the sample form --------------------------------------------------------------------------------------------


def _payload(request) -> dict:
    """The posted sample as the service takes it; photos are stored first and passed by id."""
    post = request.POST
    photos = [services.store_photo(actor=request.user, upload=f).pk for f in request.FILES.getlist("photos")]
    return {
        **{field: post.get(field, "") for field in TEXT_FIELDS},
        "client_key": post.get("client_key", ""),
        "category": post.get("category", ""),
        "kind": post.get("kind", SamplingKind.SUPERVISION),
        "producer_uscc": post.get("producer_uscc", ""),
        "producer_region_code": post.get("producer_region", "").strip(),
        "lab_id": _int(post.get("lab")),
        "sampler_ids": [v for v in post.getlist("samplers") if v],
        "sampled_at": parse_moment(post.get("sampled_at")),
        "photo_ids": photos,
    }


@access(STATION)
def sample_new(request):
    """The sample form (/sampling/samples/new/?task=ID or ?entity=ID); without an entity, the search for one.
    The phone keeps a draft and, offline, an outbox (checklists/offline_form.js); the client key makes a resend
    return the sample already stored."""
    task = selectors.task_get(user=request.user, pk=_int(request.GET.get("task"))) if request.GET.get("task") else None
    entity_id = _int(request.GET.get("entity"))
    if request.GET.get("entity") and entity_id is None:
        raise Http404
    if entity_id is None:
        q = request.GET.get("q", "")[:50]
        context = {"task": task, "q": q, "entities": selectors.entity_choices(user=request.user, q=q)}
        return render(request, "sampling/sample_pick.html", context)
    entity = selectors.entity_for_sampling(user=request.user, pk=entity_id)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    errors: list[str] = []
    if request.method == "POST":
        key = _uuid(request.POST.get("client_key"))
        stored = selectors.sample_list(user=request.user).filter(client_key=key, created_by=request.user)
        try:
            sample = stored.first() if key is not None else None  # a resend: no second copy of its photos
            if sample is None:
                with transaction.atomic():
                    sample, _created = services.create_sample(
                        actor=request.user, entity=entity, task=task, **_payload(request)
                    )
        except ValidationError as exc:
            errors = error_messages(exc)
            if wants_json:
                return JsonResponse({"ok": False, "errors": errors}, status=422)
        else:
            url = reverse("sampling:sample_detail", args=[sample.pk])
            if wants_json:
                return JsonResponse({"ok": True, "url": url, "id": sample.pk})
            messages.success(request, _("抽样单已保存，编号 %(n)s。") % {"n": sample.number})
            return redirect(url)
    posted = request.POST
    context = {
        "entity": entity,
        "task": task,
        "categories": selectors.categories(entity.region_id),
        "kinds": SamplingKind.choices,
        "labs": selectors.lab_list(),
        "co_samplers": selectors.co_samplers(user=request.user, entity=entity),
        "station": selectors.station_for(entity.region_id),
        "client_key": posted.get("client_key") or uuid.uuid4(),
        "started_at": posted.get("started_at") or timezone.now().isoformat(),
        "sampled_at": posted.get("sampled_at") or _local_input(timezone.now()),
        "draft_key": f"sample-draft-{entity.pk}-{task.pk if task else 0}",
        "errors": errors,
        "posted": posted,
        "chosen_samplers": posted.getlist("samplers"),
    }
    return render(request, "sampling/sample_form.html", context, status=422 if errors else 200)


# -- list and detail ----------------------------------------------------------------------------------------------

STATUS_CHOICES = [("", _("全部状态")), *Sample.Status.choices]
OVERDUE_CHOICES = [("", _("全部")), ("any", _("逾期（任一期限）")), ("to_lab", _("逾期未送检")),
                   ("report", _("逾期未出报告"))]  # fmt: skip
CONCLUSION_CHOICES = [("", _("全部结论")), *Sample.Conclusion.choices, ("none", _("尚无结论"))]


def _filters(request) -> dict:
    get = request.GET
    return {
        "region_code": current_region_code(request),
        "status": get.get("status", "") if get.get("status") in Sample.Status.values else "",
        "category": get.get("category", "")[:30],
        "kind": get.get("kind", "") if get.get("kind") in SamplingKind.values else "",
        "overdue": get.get("overdue", "") if get.get("overdue") in selectors.OVERDUE_FILTERS else "",
        "conclusion": get.get("conclusion", "") if get.get("conclusion") in dict(CONCLUSION_CHOICES) else "",
        "q": get.get("q", "")[:50],
    }


@access(SIGNED_IN)
def sample_list(request):
    """Samples in the user's reach (an enterprise account: its own entity's), with their deadlines."""
    filters = _filters(request)
    rows = selectors.sample_list(user=request.user, **filters)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    region = filters["region_code"] or request.user.region_id or ""
    context = {
        "page": page,
        "filters": filters,
        "statuses": STATUS_CHOICES,
        "kinds": SamplingKind.choices,
        "overdues": OVERDUE_CHOICES,
        "conclusions": CONCLUSION_CHOICES,
        "categories": selectors.categories(region),
        "now": timezone.now(),
        "can_sample": request.user.is_superuser or request.user.role in STATION,
    }
    return render(request, "sampling/sample_list.html", context)


@access(SIGNED_IN, objects="sample")
def sample_detail(request, pk: int):
    """Everything about a sample: the product and its producer, the samplers, the deadlines with the rules they
    were computed by, the lab's results when present, the photos."""
    sample = selectors.sample_get(user=request.user, pk=pk)
    regulator = request.user.role != Role.ENTERPRISE
    context = {
        "sample": sample,
        "samplers": selectors.sample_samplers(sample),
        "photos": selectors.sample_photos(sample),
        "results": sample.results.order_by("pk"),
        "disposal": Disposal.objects.filter(sample=sample).only("pk", "status").first(),  # a failed sample's case
        "category": selectors.category_name(sample.category, sample.region_id),
        "now": timezone.now(),
        "now_input": _local_input(timezone.now()),
        "can_update": regulator and (request.user.is_superuser or request.user.role in STATION),
        "regulator": regulator,
    }
    return render(request, "sampling/sample_detail.html", context)


@access(STATION, objects="sample")
@require_POST
def sample_sent(request, pk: int):
    sample = selectors.sample_get(user=request.user, pk=pk)
    with service_errors_as_messages(request):
        services.mark_sent(actor=request.user, sample=sample, sent_at=parse_moment(request.POST.get("sent_at")))
        messages.success(request, _("已登记送检。"))
    return redirect("sampling:sample_detail", pk=sample.pk)


@access(STATION, objects="sample")
@require_POST
def sample_received(request, pk: int):
    sample = selectors.sample_get(user=request.user, pk=pk)
    with service_errors_as_messages(request):
        services.mark_received(
            actor=request.user, sample=sample, received_at=parse_moment(request.POST.get("received_at"))
        )
        messages.success(request, _("已登记检验机构接收，报告期限已计算。"))
    return redirect("sampling:sample_detail", pk=sample.pk)


@access(SIGNED_IN, objects="sample")
def sample_pdf(request, pk: int):
    """The 抽样单 as PDF."""
    sample = selectors.sample_get(user=request.user, pk=pk)
    name, data = documents.sample_sheet(sample)
    return attachment(name, data)


@access(SIGNED_IN, objects="sample_photo")
def sample_photo(request, pk: int):
    """A sample's photo; `?original=1` gives a regulator the upload as taken."""
    original = request.GET.get("original") == "1"
    photo = selectors.photo_get(user=request.user, pk=pk, original=original)
    field = photo.original if original else photo.file
    content_type = mimetypes.guess_type(field.name)[0] if original else photo.content_type
    return stored_file_response(field, name=field.name.rsplit("/", 1)[-1], content_type=content_type,
                                inline=not original)  # fmt: skip
