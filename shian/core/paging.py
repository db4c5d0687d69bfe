from functools import cached_property

from django.conf import settings
from django.core.paginator import Page, Paginator


class CappedPaginator(Paginator):
    """Counts at most `cap` + 1 rows. A name search over a province matches thousands of entities, and an exact total
    reads each match's row once more after the page's own query did (docs/performance.md, entity search): past the
    cap the page shows "more than N" and the user narrows the search. Pages up to the cap stay reachable."""

    def __init__(self, object_list, per_page, cap: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        # no ORDER BY in the count: sorting every match to count the first cap + 1 would read them all again
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap


def filtered_page(request, form_class, select, per_page: int = 50, *, capped_by: str = "") -> tuple:
    """Parse a GET filter form, run `select(**filters)` and return (form, page); bad filters are ignored. When the
    filter named by `capped_by` is given (a text search), the total is counted only up to SHIAN_SEARCH_COUNT_CAP."""
    form = form_class(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    paginator = paginator_for(select(**filters), per_page, capped=bool(capped_by and filters.get(capped_by)))
    page: Page = paginator.get_page(request.GET.get("page"))
    return form, page


def paginator_for(objects, per_page: int, *, capped: bool) -> Paginator:
    """The list pages' paginator: a capped count for a text search (SHIAN_SEARCH_COUNT_CAP), else an exact one."""
    if capped:
        return CappedPaginator(objects, per_page, cap=settings.SHIAN_SEARCH_COUNT_CAP)
    return Paginator(objects, per_page)
