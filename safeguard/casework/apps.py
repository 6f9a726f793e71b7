from typing import TYPE_CHECKING, Any

from django.apps import AppConfig

if TYPE_CHECKING:
    from safeguard.accounts.models import School


def give_new_school_decision_options(sender: Any, school: "School", **kwargs: Any) -> None:
    """accounts.signals.school_created: a new school starts with the default decisions."""
    from safeguard.casework.services.decisions import seed_default_decision_options

    seed_default_decision_options(school=school)


def give_new_school_agencies(sender: Any, school: "School", **kwargs: Any) -> None:
    """accounts.signals.school_created: a new school starts with the default agencies."""
    from safeguard.casework.referrals.services import seed_default_agencies

    seed_default_agencies(school=school)


class CaseworkConfig(AppConfig):
    name = "safeguard.casework"
    label = "casework"

    def ready(self) -> None:
        from django.urls import register_converter

        from safeguard.incidents.links import KeyEventFileKeyConverter

        # `<keyeventfile:key_event_file_id>`: a key event file's address carries an opaque
        # key, never its id (incidents/links.py). Registered before any URL module is imported.
        register_converter(KeyEventFileKeyConverter, "keyeventfile")

        from safeguard.accounts.signals import school_created
        from safeguard.incidents.signals import (
            incident_page_sections,
            incident_records_destroyed,
            stored_files_in_use,
        )

        # The floors below cannot call casework: they send these signals instead.
        school_created.connect(
            give_new_school_decision_options, dispatch_uid="safeguard-decision-options"
        )
        school_created.connect(give_new_school_agencies, dispatch_uid="safeguard-agencies")
        from safeguard.casework.sections import incident_page_section

        incident_page_sections.connect(
            incident_page_section, dispatch_uid="safeguard-casework-review-section"
        )

        from safeguard.casework.profile.markers import cp_records_marker
        from safeguard.casework.profile.sections import chronology_section, pupil_page_section
        from safeguard.casework.services.retention import (
            destroy_encompass,
            destroy_exports,
            destroy_key_events,
            destroy_linked_categories,
            destroy_referrals_and_meetings,
            destroy_reviews,
        )
        from safeguard.pupils.signals import pupil_markers, pupil_page_sections

        pupil_markers.connect(cp_records_marker, dispatch_uid="safeguard-casework-cp-marker")
        pupil_page_sections.connect(
            pupil_page_section, dispatch_uid="safeguard-casework-profile-section"
        )
        pupil_page_sections.connect(
            chronology_section, dispatch_uid="safeguard-casework-chronology-section"
        )

        incident_records_destroyed.connect(
            destroy_reviews, dispatch_uid="safeguard-casework-destroy-reviews"
        )
        incident_records_destroyed.connect(
            destroy_exports, dispatch_uid="safeguard-casework-destroy-exports"
        )
        incident_records_destroyed.connect(
            destroy_encompass, dispatch_uid="safeguard-casework-destroy-encompass"
        )
        incident_records_destroyed.connect(
            destroy_key_events, dispatch_uid="safeguard-casework-destroy-key-events"
        )
        incident_records_destroyed.connect(
            destroy_referrals_and_meetings, dispatch_uid="safeguard-casework-destroy-referrals"
        )
        from safeguard.casework.profile.retention import destroy_profile

        incident_records_destroyed.connect(
            destroy_profile, dispatch_uid="safeguard-casework-destroy-profile"
        )
        incident_records_destroyed.connect(
            destroy_linked_categories, dispatch_uid="safeguard-casework-destroy-linked-categories"
        )

        from safeguard.audit import sealing
        from safeguard.casework.models import (
            Contact,
            EncompassAcknowledgement,
            EncompassChild,
            EncompassNotification,
            HouseholdLink,
            KeyEvent,
            KeyEventFile,
            LinkedPupilCategories,
            LinkedPupilCategory,
            Professional,
            PupilPhoto,
            SiblingSuggestionDismissal,
            TriageEntry,
        )
        from safeguard.casework.referrals.models import (
            Meeting,
            Referral,
            ReferralChase,
            ReferralOutcome,
        )
        from safeguard.casework.referrals.sealing import (
            meeting_report_digest,
            meeting_reports_in_use,
        )
        from safeguard.incidents.services import attachments

        # The tables the migrations make immutable are sealed into the audit trail when written.
        sealing.register(TriageEntry)
        sealing.register(KeyEvent)
        sealing.register(EncompassNotification)
        sealing.register(EncompassChild)
        sealing.register(EncompassAcknowledgement)
        sealing.register(Referral)
        sealing.register(ReferralOutcome)
        sealing.register(ReferralChase)
        sealing.register(Meeting, extra=meeting_report_digest)
        # A meeting's report is stored beside the attachments: the sweeper must keep it.
        stored_files_in_use.connect(
            meeting_reports_in_use, dispatch_uid="safeguard-casework-meeting-reports"
        )
        for model in (Contact, Professional, HouseholdLink, SiblingSuggestionDismissal):
            sealing.register(model)
        from safeguard.incidents.services.attachments import stored_file_digest

        # A photo's seal covers its file's bytes too, as an attachment's does.
        sealing.register(PupilPhoto, extra=stored_file_digest)
        sealing.register(LinkedPupilCategories)
        sealing.register(LinkedPupilCategory)
        # A key event's files: sealed with their stored bytes, and kept from the orphan
        # sweep, as incidents' attachments are.
        sealing.register(KeyEventFile, extra=attachments.stored_file_digest)
        attachments.register_file_table(KeyEventFile)
