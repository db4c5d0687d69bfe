"""Uploaded photos and files: checked by content, shown without EXIF/GPS and downscaled, original kept."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shian.core.uploads import MAX_BYTES, MAX_SIDE, check_upload
from tests.visits.conftest import jpeg_bytes

GPS_IFD = 0x8825


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def opened(content) -> Image.Image:
    content.seek(0)
    image = Image.open(io.BytesIO(content.read()))
    image.load()
    return image


def test_a_camera_jpeg_is_shown_small_and_without_exif_and_kept_as_taken():
    data = jpeg_bytes(size=(4000, 3000))
    taken = Image.open(io.BytesIO(data))
    assert taken.getexif().get_ifd(GPS_IFD)  # the test photo really carries a position
    checked = check_upload(upload("厨房 照片.jpg", data))
    shown = opened(checked.shown)
    assert shown.format == "JPEG" and shown.size == (MAX_SIDE, 1200)
    assert not shown.getexif() and "exif" not in shown.info
    checked.shown.seek(0)
    assert b"Exif" not in checked.shown.read()[:4096]
    assert (checked.name, checked.content_type, checked.size) == ("厨房 照片.jpg", "image/jpeg", checked.shown.size)
    assert checked.shown.name == "厨房_照片.jpg"
    checked.original.seek(0)
    assert checked.original.read() == data
    assert checked.original.name == "厨房_照片.jpeg"


def test_a_small_photo_is_not_enlarged_and_a_portrait_one_is_turned_upright():
    assert opened(check_upload(upload("small.jpg", jpeg_bytes(size=(800, 600), gps=False))).shown).size == (800, 600)
    image = Image.new("RGB", (3200, 2000), (10, 20, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    shown = opened(check_upload(upload("portrait.jpg", out.getvalue())).shown)
    assert shown.size == (1000, MAX_SIDE) and not shown.getexif()


def test_a_png_with_transparency_is_shown_as_jpeg():
    out = io.BytesIO()
    Image.new("RGBA", (2000, 500), (0, 128, 0, 100)).save(out, format="PNG")
    checked = check_upload(upload("screenshot.png", out.getvalue(), "image/png"))
    shown = opened(checked.shown)
    assert (shown.format, shown.mode, shown.size) == ("JPEG", "RGB", (MAX_SIDE, 400))
    assert checked.original.name == "screenshot.png" and checked.shown.name == "screenshot.jpg"


def test_a_renamed_text_file_is_refused_by_name():
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("整改照片.jpg", "这不是图片".encode()), allow_pdf=False)
    assert "整改照片.jpg" in exc.value.messages[0] and "PDF" not in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("报告.jpg", b"<html>not an image</html>"))
    assert "报告.jpg" in exc.value.messages[0] and "PDF" in exc.value.messages[0]


def test_other_image_formats_are_refused():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    with pytest.raises(ValidationError, match="GIF") as exc:
        check_upload(upload("anim.gif", out.getvalue(), "image/gif"))
    assert "anim.gif" in exc.value.messages[0]


def test_more_than_10_mb_is_refused():
    big = upload("huge.jpg", b"\xff\xd8" + b"0" * MAX_BYTES)
    with pytest.raises(ValidationError) as exc:
        check_upload(big)
    assert "huge.jpg" in exc.value.messages[0] and "10 MB" in exc.value.messages[0]


def test_exactly_10_mb_is_within_the_limit():
    """The limit itself is allowed: what refuses this file is its content, not its size."""
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("limit.jpg", b"0" * MAX_BYTES))
    assert "10 MB" not in exc.value.messages[0]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match="空文件"):
        check_upload(upload("empty.jpg", b""))


def test_a_pdf_only_where_allowed():
    data = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
    checked = check_upload(upload("整改 报告.pdf", data, "application/pdf"), allow_pdf=True)
    assert (checked.content_type, checked.size, checked.original) == ("application/pdf", len(data), None)
    assert checked.shown.name == "整改_报告.pdf" and checked.shown.read() == data
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("整改报告.pdf", data, "application/pdf"), allow_pdf=False)
    assert "整改报告.pdf" in exc.value.messages[0]


def test_a_jpeg_comment_does_not_reach_the_shown_copy():
    out = io.BytesIO()
    Image.new("RGB", (100, 100)).save(out, format="JPEG", comment=b"GPS 36.7N 118.8E")
    checked = check_upload(upload("commented.jpg", out.getvalue()))
    checked.shown.seek(0)
    assert b"36.7N" not in checked.shown.read()


def test_oversized_images_are_refused_before_decoding(monkeypatch):
    monkeypatch.setattr("shian.core.uploads.MAX_PIXELS", 100 * 100)
    out = io.BytesIO()
    Image.new("RGB", (101, 100)).save(out, format="PNG")
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("huge.png", out.getvalue()))
    assert "huge.png" in exc.value.messages[0]
