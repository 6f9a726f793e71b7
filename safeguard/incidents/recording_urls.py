"""URLs for recording (joined into incidents/urls.py)."""

from django.urls import path

from safeguard.incidents import recording_views as views

urlpatterns = [
    path("new/", views.incident_add, name="incident-add"),
    path("pupil-search/", views.pupil_search, name="pupil-search"),
    path("staff-search/", views.staff_search, name="staff-search"),
    path("recipients-preview/", views.recipients_preview, name="recipients-preview"),
    path("draft/", views.draft_save, name="draft-save"),
    path("drafts/<int:draft_id>/", views.draft_resume, name="draft-resume"),
    path("drafts/<int:draft_id>/discard/", views.draft_discard, name="draft-discard"),
]
