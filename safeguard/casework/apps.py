from typing import TYPE_CHECKING, Any

from django.apps import AppConfig

if TYPE_CHECKING:
    from safeguard.accounts.models import School


def give_new_school_decision_options(sender: Any, school: "School", **kwargs: Any) -> None:
    """accounts.signals.school_created: a new school starts with the default decisions."""
    from safeguard.casework.services.decisions import seed_default_decision_options

    seed_default_decision_options(school=school)


class CaseworkConfig(AppConfig):
    name = "safeguard.casework"
    label = "casework"

    def ready(self) -> None:
        from safeguard.accounts.signals import school_created
        from safeguard.incidents.signals import incident_page_sections, incident_records_destroyed

        # The floors below cannot call casework: they send these signals instead.
        school_created.connect(
            give_new_school_decision_options, dispatch_uid="safeguard-decision-options"
        )
        from safeguard.casework.sections import incident_page_section

        incident_page_sections.connect(
            incident_page_section, dispatch_uid="safeguard-casework-review-section"
        )

        from safeguard.casework.profile.markers import cp_records_marker
        from safeguard.casework.profile.sections import chronology_section, pupil_page_section
        from safeguard.pupils.signals import pupil_markers, pupil_page_sections

        pupil_markers.connect(cp_records_marker, dispatch_uid="safeguard-casework-cp-marker")
        pupil_page_sections.connect(
            pupil_page_section, dispatch_uid="safeguard-casework-profile-section"
        )
        pupil_page_sections.connect(
            chronology_section, dispatch_uid="safeguard-casework-chronology-section"
        )

        from safeguard.casework.services.retention import destroy_key_events, destroy_reviews

        incident_records_destroyed.connect(
            destroy_reviews, dispatch_uid="safeguard-casework-destroy-reviews"
        )
        incident_records_destroyed.connect(
            destroy_key_events, dispatch_uid="safeguard-casework-destroy-key-events"
        )
        from safeguard.casework.profile.retention import destroy_profile

        incident_records_destroyed.connect(
            destroy_profile, dispatch_uid="safeguard-casework-destroy-profile"
        )

        from safeguard.audit import sealing
        from safeguard.casework.models import (
            Contact,
            HouseholdLink,
            KeyEvent,
            Professional,
            PupilPhoto,
            SiblingSuggestionDismissal,
            TriageEntry,
        )

        # The tables the migrations make immutable are sealed into the audit trail when written.
        sealing.register(TriageEntry)
        sealing.register(KeyEvent)
        for model in (Contact, Professional, HouseholdLink, SiblingSuggestionDismissal):
            sealing.register(model)
        from safeguard.incidents.services.attachments import stored_file_digest

        # A photo's seal covers its file's bytes too, as an attachment's does.
        sealing.register(PupilPhoto, extra=stored_file_digest)
