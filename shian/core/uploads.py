"""Uploaded photos and files, checked by content (not by name) and made safe to show.

Images are re-encoded: turned upright, downscaled to a phone-friendly size and written without EXIF, so the
copy people see carries no GPS position. The bytes as uploaded are kept apart for the regulator."""

import io
import os
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 1600
MAX_PIXELS = 60_000_000  # about 8k x 7k: larger "photos" are refused from the header, never decoded (pixel bombs)
_IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


@dataclass
class CheckedUpload:
    name: str
    content_type: str
    size: int
    shown: ContentFile
    original: ContentFile | None


def check_upload(upload, *, allow_pdf: bool = True) -> CheckedUpload:
    """A photo (JPEG, PNG, WebP) or, when allowed, a PDF, at most MAX_BYTES; anything else is refused by name."""
    name = os.path.basename(getattr(upload, "name", "") or "upload")[:200]
    size = getattr(upload, "size", None)
    if size is None or size > MAX_BYTES:
        raise ValidationError(_("文件 %(name)s 超过 %(mb)d MB。") % {"name": name, "mb": MAX_BYTES // 2**20})
    data = upload.read()
    if not data:
        raise ValidationError(_("文件 %(name)s 是空文件。") % {"name": name})
    if allow_pdf and data.startswith(b"%PDF-"):
        return CheckedUpload(name, "application/pdf", len(data), ContentFile(data, name=_stem(name) + ".pdf"), None)
    try:
        image = Image.open(io.BytesIO(data))  # reads the header only
        fmt = image.format
        if image.width * image.height > MAX_PIXELS:
            raise ValidationError(_("图片 %(name)s 像素过大（超过 6000 万像素）。") % {"name": name})
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        kinds = _("JPEG、PNG、WebP 图片或 PDF") if allow_pdf else _("JPEG、PNG 或 WebP 图片")
        raise ValidationError(_("文件 %(name)s 不是有效的%(kinds)s。") % {"name": name, "kinds": kinds}) from exc
    if fmt not in _IMAGE_TYPES:
        raise ValidationError(_("不支持的图片格式 %(fmt)s：%(name)s。") % {"fmt": fmt, "name": name})
    shown = ImageOps.exif_transpose(image)
    shown.info.clear()  # EXIF, XMP, ICC, comments: the JPEG writer would copy them from here
    shown.thumbnail((MAX_SIDE, MAX_SIDE))
    if shown.mode not in ("RGB", "L"):
        shown = shown.convert("RGB")
    out = io.BytesIO()
    shown.save(out, format="JPEG", quality=85, optimize=True)  # no exif= argument: metadata is dropped
    original = ContentFile(data, name=_stem(name) + "." + fmt.lower())
    return CheckedUpload(
        name, "image/jpeg", out.tell(), ContentFile(out.getvalue(), name=_stem(name) + ".jpg"), original
    )


def _stem(name: str) -> str:
    stem = os.path.splitext(name)[0]
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in stem)[:60] or "file"


def stored_file_response(stored, *, name: str, content_type: str | None, inline: bool):
    """Serve a stored upload safely from our own origin (docs/security.md): a photo we re-encoded (`inline`, and a
    JPEG we wrote) may show in the page; anything else, a PDF or an original as taken, is a download. Every file
    response is sandboxed by CSP (no script, no same-origin access even if a browser were talked into rendering it)
    and never content-sniffed."""
    from django.http import FileResponse

    response = FileResponse(
        stored.open("rb"),
        as_attachment=not (inline and content_type == "image/jpeg"),
        filename=name,
        content_type=content_type or "application/octet-stream",
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
