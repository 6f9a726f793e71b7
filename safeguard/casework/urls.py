"""Every casework URL, one namespace ("casework:"), mounted at the site's root: the review
queue and review page under /casework/, a pupil's chronology under /pupils/<id>/chronology/,
the records of their profile under /pupils/<id>/ (contacts/, professionals/, household/,
photo/), the school's decisions under /school/decisions/."""

from django.urls import path

from safeguard.casework import views
from safeguard.casework.chronology import export_views as exports
from safeguard.casework.chronology import files as chronology_files
from safeguard.casework.chronology import views as chronology
from safeguard.casework.clocks import views as clocks
from safeguard.casework.encompass import views as encompass
from safeguard.casework.profile.views import contacts as profile_contacts
from safeguard.casework.profile.views import household as profile_household
from safeguard.casework.profile.views import photos as profile_photos
from safeguard.casework.profile.views import professionals as profile_professionals
from safeguard.casework.referrals import meeting_views as meetings
from safeguard.casework.referrals import views as referrals

app_name = "casework"

urlpatterns = [
    path("casework/review/", views.review_queue_page, name="review-queue"),
    path("casework/encompass/", encompass.notification_list, name="encompass-list"),
    path("casework/encompass/new/", encompass.notification_add, name="encompass-add"),
    path(
        "casework/encompass/<int:notification_id>/",
        encompass.notification_detail,
        name="encompass-detail",
    ),
    path(
        "casework/encompass/<int:notification_id>/acknowledge/",
        encompass.notification_acknowledge,
        name="encompass-acknowledge",
    ),
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
        "pupils/<int:pupil_id>/referrals/",
        referrals.pupil_referrals,
        name="pupil-referrals",
    ),
    path(
        "pupils/<int:pupil_id>/referrals/add/",
        referrals.referral_add,
        name="referral-add",
    ),
    path(
        "casework/referrals/<int:referral_id>/",
        referrals.referral_detail,
        name="referral-detail",
    ),
    path(
        "casework/referrals/<int:referral_id>/outcomes/add/",
        referrals.outcome_add,
        name="outcome-add",
    ),
    path(
        "casework/referrals/<int:referral_id>/chases/add/",
        referrals.chase_add,
        name="chase-add",
    ),
    path("pupils/<int:pupil_id>/meetings/add/", meetings.meeting_add, name="meeting-add"),
    path(
        "casework/meetings/<int:meeting_id>/",
        meetings.meeting_detail,
        name="meeting-detail",
    ),
    path(
        "casework/meetings/<int:meeting_id>/report/",
        meetings.meeting_report,
        name="meeting-report",
    ),
    path("school/agencies/", referrals.agency_list, name="agency-list"),
    path("school/agencies/<int:agency_id>/edit/", referrals.agency_edit, name="agency-edit"),
    path("school/clocks/", clocks.clocks_page, name="clocks"),
    path("school/clocks/closures/add/", clocks.closure_add, name="closure-add"),
    path(
        "school/clocks/closures/<int:closure_id>/remove/",
        clocks.closure_remove,
        name="closure-remove",
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
