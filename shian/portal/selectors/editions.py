"""Published red/black list editions for the public (docs/portal.md §2), read through lists' public selectors
only: a draft, reviewed, approved or withdrawn edition does not exist here (404)."""

from django.http import Http404
from django.utils.translation import gettext as _

from shian.lists.selectors.public import edition_lines, published_editions


def editions(*, prefix: str = ""):
    return published_editions(prefix=prefix).select_related("region")


def edition(pk: int):
    found = published_editions().select_related("region").filter(pk=pk).first()
    if found is None:
        raise Http404(_("未找到该期红黑榜，或尚未发布。"))
    return found


def boards(found) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {"red": [], "black": []}
    for line in edition_lines(found):
        out.setdefault(line["board"], []).append(line)
    return out
