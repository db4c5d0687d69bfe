"""PDF from HTML with WeasyPrint, for every app: documents to print and file.

Templates name their fonts by family ("Noto Serif CJK SC", "Noto Sans CJK SC"); fontconfig finds the
installed Noto CJK fonts and WeasyPrint embeds the subset of glyphs used, so the PDF opens the same on a
machine without them. `baobao/documents/base.html` is a GB/T 9704 page (A4, 37/35/28/26 mm margins,
"— n —" page numbers) to extend.

Rendering never touches the network or the file system: the URL fetcher refuses everything but inline
`data:` URLs, so a name or address typed into a record cannot make the server fetch anything.
"""

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

CONTENT_TYPE = "application/pdf"


class OfflineURLFetcher(URLFetcher):
    """Serve `data:` URLs (inline images, fonts); refuse http(s), file and every other scheme."""

    def fetch(self, url, headers=None):
        if url.strip().lower().startswith("data:"):
            return super().fetch(url, headers)
        raise ValueError(f"documents are rendered offline; not fetching {url[:100]}")


def html_to_pdf(html: str) -> bytes:
    """The PDF of an HTML document (a complete page with its own <style>)."""
    return HTML(string=html, base_url=None, url_fetcher=OfflineURLFetcher()).write_pdf()


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a Django template to HTML, then to PDF."""
    return html_to_pdf(render_to_string(template_name, context))
