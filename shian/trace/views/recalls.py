"""Pages of recalls (docs/trace.md §4): the list with completion, starting one on a batch (or, in one action, from a
failed sample's page: the producer's batches with the sample's batch number), one recall with its clocks and holders,
and a holder's confirmation of removal."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.access import ENTERPRISE, SIGNED_IN, STATION
from shian.accounts.models import Role
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.feedback import service_errors_as_messages
from shian.core.forms import parse_moment
from shian.entities.models import Entity
from shian.sampling.models import Sample
from shian.sampling.selectors.samples import sample_get

from ..models import Batch, Recall, RecallLevel
from ..selectors import catalog as catalog_selectors
from ..selectors import recalls as selectors
from ..services import recalls as services

WRITERS = STATION | ENTERPRISE
LIST_LIMIT = 200


@access(SIGNED_IN)
def recall_list(request):
    status = request.GET.get("status", "")
    rows = list(selectors.recalls(user=request.user, region_code=current_region_code(request), status=status)
                [:LIST_LIMIT])  # fmt: skip
    for r in rows:
        r.rate = selectors.completion(r)
    return render(request, "trace/recall_list.html", {"recalls": rows, "status": status, "now": timezone.now(),
                                                      "statuses": Recall.Status.choices})  # fmt: skip


def _start(request, batches: list[Batch], *, sample=None, kind_default: str = Recall.Kind.VOLUNTARY):
    post = request.POST
    values = {"kind": post.get("kind", kind_default), "level": post.get("level", ""), "reason": post.get("reason", ""),
              "learned_at": post.get("learned_at", "")}  # fmt: skip
    errors: list[str] = []
    if request.method == "POST":
        try:
            recall = services.start_recall(actor=request.user, batches=batches, kind=values["kind"],
                                           level=values["level"], reason=values["reason"], sample=sample,
                                           learned_at=parse_moment(values["learned_at"]))  # fmt: skip
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("已发起召回 %(n)s，已通知 %(h)d 家持有者。")
                             % {"n": recall.number, "h": recall.notices.count()})  # fmt: skip
            return redirect("trace:recall_detail", pk=recall.pk)
    context = {"batches": batches, "sample": sample, "values": values, "errors": errors,
               "levels": RecallLevel.choices, "kinds": Recall.Kind.choices}  # fmt: skip
    return render(request, "trace/recall_new.html", context, status=422 if errors else 200)


@access(WRITERS, objects="trace_batch")
def recall_new(request, pk: int):
    """Start a recall of one batch (the producer voluntarily, or a regulator)."""
    batch = catalog_selectors.batch_get(user=request.user, pk=pk)
    return _start(request, [batch])


@access(STATION, objects="sample")
def recall_from_sample(request, pk: int):
    """From a failed sample: the producer's batches with the sample's batch number, recalled in one action."""
    sample = sample_get(user=request.user, pk=pk)
    if sample.conclusion != Sample.Conclusion.FAIL:
        messages.error(request, _("只有检验结论为不合格的样品可以发起召回。"))
        return redirect("sampling:sample_detail", pk=sample.pk)
    producer = Entity.objects.filter(uscc=sample.producer_uscc).first() if sample.producer_uscc else None
    producer = producer or sample.entity
    found = Batch.objects.filter(producer=producer).select_related("product")
    if sample.batch_number:
        found = found.filter(batch_number=sample.batch_number)
    batches = list(found.order_by("-produced_on")[:20])
    if not batches:
        messages.error(request, _("未找到%(p)s登记的批号为“%(b)s”的追溯批次，无法自动确定召回范围。")
                       % {"p": producer.name, "b": sample.batch_number or "—"})  # fmt: skip
        return redirect("sampling:sample_detail", pk=sample.pk)
    return _start(request, batches, sample=sample, kind_default=Recall.Kind.ORDERED)


@access(SIGNED_IN, objects="trace_recall")
def recall_detail(request, pk: int):
    user = request.user
    recall = selectors.recall_get(user=user, pk=pk)
    notices = list(selectors.notices(recall))
    mine = next((n for n in notices if user.role == Role.ENTERPRISE and n.entity_id == user.entity_id), None)
    context = {"recall": recall, "notices": notices, "mine": mine, "now": timezone.now(),
               "rate": selectors.completion(recall), "batches": list(recall.batches.select_related("product")),
               "can_confirm_any": user.is_superuser or user.role in STATION}  # fmt: skip
    return render(request, "trace/recall_detail.html", context)


@access(WRITERS, objects="trace_recall")
@require_POST
def recall_confirm(request, pk: int):
    """A holder confirms removal (an enterprise account for its own entity; the station for a holder it names)."""
    user = request.user
    recall = selectors.recall_get(user=user, pk=pk)
    if user.role == Role.ENTERPRISE and not user.is_superuser:
        entity = catalog_selectors.own_entity(user)
    else:
        entity = catalog_selectors.find_business(request.POST.get("entity", ""))
    if entity is None:
        raise PermissionDenied(_("请指明确认下架的经营单位。"))
    with service_errors_as_messages(request):
        services.confirm_removal(actor=user, recall=recall, entity=entity,
                                 removed_quantity=request.POST.get("removed_quantity") or None,
                                 note=request.POST.get("note", ""))  # fmt: skip
        messages.success(request, _("已确认下架。"))
    return redirect("trace:recall_detail", pk=recall.pk)
