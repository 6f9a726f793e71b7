"""The chronology as a PDF, made by WeasyPrint from the printed copy's template.

Every page is headed "Confidential — child protection" and carries "Page n of m" and who
generated it when (CSS paged media: `@page` margin boxes, the named string `generated`).
WeasyPrint fetches nothing: the document holds everything it shows, and a fetcher that
refuses every address keeps a crafted link or image from reaching a file or the network.
"""

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string


def chronology_pdf_bytes(request: HttpRequest | None, context: dict[str, Any]) -> bytes:
    """The PDF of the printed chronology `context` describes (made by the background worker,
    with no request: `exports.py`)."""
    # Imported when needed: loading it loads Pango.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string("casework/chronology_pdf.html", context, request=request)
    fetch_nothing = URLFetcher(allowed_protocols=frozenset())  # every address is refused
    document: bytes = HTML(string=html, url_fetcher=fetch_nothing).write_pdf()
    return document
