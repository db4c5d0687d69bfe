from django.core.paginator import Page, Paginator


def filtered_page(request, form_class, select, per_page: int = 50) -> tuple:
    """Parse a GET filter form, run `select(**filters)` and return (form, page); bad filters are ignored."""
    form = form_class(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page: Page = Paginator(select(**filters), per_page).get_page(request.GET.get("page"))
    return form, page
