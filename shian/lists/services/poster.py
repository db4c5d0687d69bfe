"""The printable A3 poster of a 红黑榜 edition (docs/lists.md §1): a GB/T 9704-style red heading with the issuing
region, the edition's number and date, the red and black boards, and a QR code to the online edition. Only an
approved or published edition has one; generating it is audited (the poster leaves the system)."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core import audit
from shian.core.jurisdiction import require_in_scope
from shian.reports.documents import chinese_date, file_name
from shian.reports.pdf import render_pdf
from shian.reports.qr import qr_svg_data_url

from ..models import Edition, EditionLine
from .common import require_editor

POSTER_STATUSES = {Edition.Status.APPROVED, Edition.Status.PUBLISHED}


def online_path(edition: Edition) -> str:
    """The public page of the edition (served by the portal)."""
    return f"/public/editions/{edition.pk}/"


def poster(*, actor, edition: Edition, online_url: str) -> tuple[str, bytes]:
    """(file name, PDF bytes) of the edition's poster; refused unless the edition is approved or published."""
    require_editor(actor)
    require_in_scope(actor, edition.region_id)
    if edition.status not in POSTER_STATUSES:
        raise ValidationError(
            _("本期红黑榜为“%(s)s”状态：经批准或已发布后才能生成张贴海报。") % {"s": edition.get_status_display()}
        )
    lines = EditionLine.objects.filter(edition=edition).select_related("entity").order_by("position", "pk")
    day = timezone.localtime(edition.published_at or edition.approved_at or timezone.now()).date()
    context = {
        "edition": edition,
        "issuer": _("%(r)s食品安全委员会办公室") % {"r": edition.region.name},
        "date": chinese_date(day),
        "red": [line for line in lines if line.board == EditionLine.Board.RED],
        "black": [line for line in lines if line.board == EditionLine.Board.BLACK],
        "qr": qr_svg_data_url(online_url),
        "online_url": online_url,
    }
    data = render_pdf("lists/poster.html", context)
    audit.record(actor=actor, action="edition.poster", obj=edition, region_code=edition.region_id,
                 after={"status": edition.status, "bytes": len(data)})  # fmt: skip
    return file_name(f"{edition.title}_张贴版", "pdf"), data
