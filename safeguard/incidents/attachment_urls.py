"""URLs for attached files and the printable incident (joined into incidents/urls.py)."""

from django.urls import path

from safeguard.incidents import attachment_views, print_views

urlpatterns = [
    path(
        "<incident:incident_id>/files/<int:attachment_id>/",
        attachment_views.attachment_download,
        name="attachment-download",
    ),
    path("<incident:incident_id>/print/", print_views.incident_print, name="incident-print"),
]
