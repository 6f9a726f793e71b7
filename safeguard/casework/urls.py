"""Every casework URL, one namespace ("casework:"), mounted at the site's root: the review
queue and review page under /casework/, a pupil's chronology under /pupils/<id>/chronology/,
the records of their profile under /pupils/<id>/ (contacts/, professionals/, household/,
photo/), the school's decisions under /school/decisions/."""

from django.urls import path

from safeguard.casework import views
from safeguard.casework.chronology import views as chronology
from safeguard.casework.profile.views import contacts as profile_contacts
from safeguard.casework.profile.views import household as profile_household
from safeguard.casework.profile.views import photos as profile_photos
from safeguard.casework.profile.views import professionals as profile_professionals

app_name = "casework"

urlpatterns = [
    path("casework/review/", views.review_queue_page, name="review-queue"),
    path(
        "casework/review/<incident:incident_id>/",
        views.review_incident,
        name="review-incident",
    ),
    path("pupils/<int:pupil_id>/chronology/", chronology.chronology, name="chronology"),
    path(
        "pupils/<int:pupil_id>/chronology/print/",
        chronology.chronology_print,
        name="chronology-print",
    ),
    path("pupils/<int:pupil_id>/chronology/pdf/", chronology.chronology_pdf, name="chronology-pdf"),
    path(
        "pupils/<int:pupil_id>/chronology/key-events/add/",
        chronology.key_event_add,
        name="key-event-add",
    ),
    path("pupils/<int:pupil_id>/contacts/add/", profile_contacts.contact_add, name="contact-add"),
    path(
        "pupils/<int:pupil_id>/contacts/<int:contact_id>/",
        profile_contacts.contact_history,
        name="contact-history",
    ),
    path(
        "pupils/<int:pupil_id>/contacts/<int:contact_id>/edit/",
        profile_contacts.contact_edit,
        name="contact-edit",
    ),
    path(
        "pupils/<int:pupil_id>/contacts/<int:contact_id>/remove/",
        profile_contacts.contact_remove,
        name="contact-remove",
    ),
    path(
        "pupils/<int:pupil_id>/professionals/add/",
        profile_professionals.professional_add,
        name="professional-add",
    ),
    path(
        "pupils/<int:pupil_id>/professionals/<int:professional_id>/",
        profile_professionals.professional_history,
        name="professional-history",
    ),
    path(
        "pupils/<int:pupil_id>/professionals/<int:professional_id>/edit/",
        profile_professionals.professional_edit,
        name="professional-edit",
    ),
    path(
        "pupils/<int:pupil_id>/professionals/<int:professional_id>/remove/",
        profile_professionals.professional_remove,
        name="professional-remove",
    ),
    path(
        "pupils/<int:pupil_id>/household/add/",
        profile_household.household_add,
        name="household-add",
    ),
    path(
        "pupils/<int:pupil_id>/household/dismiss/",
        profile_household.household_dismiss,
        name="household-dismiss",
    ),
    path(
        "pupils/<int:pupil_id>/household/<int:link_id>/remove/",
        profile_household.household_remove,
        name="household-remove",
    ),
    path("pupils/<int:pupil_id>/photo/", profile_photos.photo_file, name="photo"),
    path("pupils/<int:pupil_id>/photo/change/", profile_photos.photo_change, name="photo-change"),
    path("pupils/<int:pupil_id>/photo/remove/", profile_photos.photo_remove, name="photo-remove"),
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
