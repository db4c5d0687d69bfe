"""QR codes for printed documents (the 红黑榜 poster's link to the online edition): an SVG `data:` URL that
WeasyPrint embeds offline (shian.reports.pdf refuses every other URL). segno is pure Python and needs no Pillow."""

import base64
import io

import segno


def qr_svg_data_url(text: str, *, scale: int = 10, border: int = 2) -> str:
    """The QR code of `text` (error correction M) as a black-on-white SVG `data:` URL."""
    code = segno.make_qr(text, error="m")
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", scale=scale, border=border, dark="#000", light="#fff")
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
