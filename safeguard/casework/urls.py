"""Every casework URL, one namespace ("casework:"), mounted at the site's root: the review
queue and review page under /casework/, a pupil's chronology under /pupils/<id>/chronology/,
the school's decisions under /school/decisions/."""

from django.urls import path

from safeguard.casework import views
from safeguard.casework.chronology import export_views as exports
from safeguard.casework.chronology import files as chronology_files
from safeguard.casework.chronology import views as chronology

app_name = "casework"

urlpatterns = [
    path("casework/review/", views.review_queue_page, name="review-queue"),
    path(
        "casework/review/<incident:incident_id>/",
        views.review_incident,
        name="review-incident",
    ),
    path(
        "casework/review/<incident:incident_id>/linked/<int:pupil_id>/categories/",
        views.linked_categories,
        name="linked-categories",
    ),
    path("pupils/<int:pupil_id>/chronology/", chronology.chronology, name="chronology"),
    path(
        "pupils/<int:pupil_id>/chronology/print/",
        chronology.chronology_print,
        name="chronology-print",
    ),
    path("pupils/<int:pupil_id>/chronology/pdf/", chronology.chronology_pdf, name="chronology-pdf"),
    path(
        "pupils/<int:pupil_id>/chronology/pdf/<int:export_id>/",
        exports.chronology_pdf_status,
        name="chronology-pdf-status",
    ),
    path(
        "pupils/<int:pupil_id>/chronology/pdf/<int:export_id>/download/",
        exports.chronology_pdf_download,
        name="chronology-pdf-download",
    ),
    path(
        "pupils/<int:pupil_id>/chronology/key-events/add/",
        chronology.key_event_add,
        name="key-event-add",
    ),
    path(
        "casework/key-event-files/<keyeventfile:key_event_file_id>/",
        chronology_files.key_event_file_download,
        name="key-event-file",
    ),
    path("school/decisions/", views.decision_option_list, name="decision-option-list"),
    path("school/decisions/add/", views.decision_option_add, name="decision-option-add"),
    path(
        "school/decisions/<int:option_id>/edit/",
        views.decision_option_edit,
        name="decision-option-edit",
    ),
    path(
        "school/decisions/<int:option_id>/retire/",
        views.decision_option_retire,
        name="decision-option-retire",
    ),
    path(
        "school/decisions/<int:option_id>/reinstate/",
        views.decision_option_reinstate,
        name="decision-option-reinstate",
    ),
    path(
        "school/decisions/<int:option_id>/up/",
        views.decision_option_move_up,
        name="decision-option-move-up",
    ),
    path(
        "school/decisions/<int:option_id>/down/",
        views.decision_option_move_down,
        name="decision-option-move-down",
    ),
]
