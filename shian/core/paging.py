from functools import cached_property

from django.conf import settings
from django.core.paginator import Page, Paginator


class CappedPaginator(Paginator):
    """Counts at most `cap` + 1 rows. A name search over a province matches thousands of entities, and an exact total
    reads each match's row once more after the page's own query did (docs/performance.md, entity search): past the
    cap the page shows "more than N" and the user narrows the search. Pages up to the cap stay reachable.

    The count reads the keys of those matches. When they are all the matches (not capped), a page is read by those
    keys: PostgreSQL would otherwise walk the ordering's index row by row and test each name against the search
    until a page is full, which it prices as if matches were spread evenly. The matches of a rare name sit in one
    city, and that walk read the whole province for 46 of them (half a second)."""

    def __init__(self, object_list, per_page, cap: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _matches(self) -> list:
        # no ORDER BY: sorting every match to take the first cap + 1 would read them all again
        return list(self.object_list.order_by().values_list("pk", flat=True)[: self.cap + 1])

    @cached_property
    def count(self) -> int:
        return len(self._matches)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    def page(self, number):
        """Django's `Paginator.page`, over the matches' keys when the count holds them all."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        objects = self.object_list if self.capped else self.object_list.filter(pk__in=self._matches)
        return self._get_page(objects[bottom:top], number, self)


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
