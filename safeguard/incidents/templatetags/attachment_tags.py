"""Template helpers for attached files: their kind in words and the upload limits."""

from django import template
from django.template.defaultfilters import filesizeformat

from safeguard.incidents.services import filekinds

register = template.Library()

_KIND_NAMES = {
    kind.content_type: kind.label.removeprefix("a ").removeprefix("an ")
    for kind in filekinds.KINDS.values()
}


@register.filter
def file_kind(content_type: str) -> str:
    """'application/pdf' -> 'PDF'."""
    name = _KIND_NAMES.get(content_type, "file")
    return name[:1].upper() + name[1:]


@register.simple_tag
def attachment_limits() -> dict[str, object]:
    """What the file input's hint promises (the same numbers `store_uploads` enforces)."""
    return {
        "each": filesizeformat(filekinds.max_file_bytes()),
        "count": filekinds.max_files(),
        "total": filesizeformat(filekinds.max_total_bytes()),
        "accept": filekinds.ACCEPT,
        "kinds": filekinds.ACCEPTED_SUMMARY,
    }
