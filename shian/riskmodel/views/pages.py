"""Pages of the inspection-priority model (docs/riskmodel.md §5): a station's prioritised list, one entity's score
with its reasons, and the model versions. Regulators only: enterprise accounts get 403."""

from django.core.paginator import Paginator
from django.shortcuts import render

from shian.accounts.access import STATION
from shian.accounts.models import Role
from shian.core.access import access
from shian.core.current_region import current_region_code

from .. import selectors
from ..features import LABELS

READERS = STATION | {Role.AUDITOR}
PER_PAGE = 50


@access(READERS)
def priority_list(request):
    """The entities in reach, highest probability of a 重点项 failure first, with their risk band's words."""
    qs = selectors.priority_list(user=request.user, region_code=current_region_code(request))
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    bands = selectors.bands_of(s.entity_id for s in page)
    rows = [{"score": s, "band": bands.get(s.entity_id, ""), "reasons": selectors.reasons_with_labels(s.reasons)}
            for s in page]  # fmt: skip
    return render(request, "riskmodel/priority_list.html",
                  {"page": page, "rows": rows, "model": selectors.model_in_use()})  # fmt: skip


@access(READERS, objects="entity_id")
def entity_score(request, entity_id: int):
    """One entity's probability and the features that raised it most."""
    return render(
        request, "riskmodel/entity_score.html", selectors.entity_score(user=request.user, entity_id=entity_id)
    )


@access(READERS)
def model_versions(request):
    """Every trained version with its metrics; the one in use marked."""
    model = selectors.model_in_use()
    weights = []
    if model:
        weights = sorted(({"label": LABELS.get(c, c), "code": c, "coefficient": round(w, 3)}
                          for c, w in zip(model.features, model.coefficients, strict=False)),
                         key=lambda r: -abs(r["coefficient"]))  # fmt: skip
    return render(request, "riskmodel/versions.html",
                  {"versions": selectors.versions(), "model": model, "weights": weights})  # fmt: skip
