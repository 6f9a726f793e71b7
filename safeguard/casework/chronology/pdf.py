"""The chronology as a PDF, made by WeasyPrint from the printed copy's template.

Every page is headed "Confidential — child protection" and carries "Page n of m" and who
generated it when (CSS paged media: `@page` margin boxes, the named string `generated`).
WeasyPrint fetches nothing: the document holds everything it shows, and a fetcher that
refuses every address keeps a crafted link or image from reaching a file or the network.
"""

from typing import Any, NoReturn

from django.http import HttpRequest
from django.template.loader import render_to_string


def _fetch_nothing(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError("The chronology's PDF fetches nothing.")


def chronology_pdf_bytes(request: HttpRequest, context: dict[str, Any]) -> bytes:
    """The PDF of the printed chronology `context` describes."""
    from weasyprint import HTML  # imported when needed: it loads Pango

    html = render_to_string("casework/chronology_pdf.html", context, request=request)
    document: bytes = HTML(string=html, url_fetcher=_fetch_nothing).write_pdf()
    return document
