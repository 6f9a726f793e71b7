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
        from django.urls import register_converter

        from safeguard.incidents.links import KeyEventFileKeyConverter

        # `<keyeventfile:key_event_file_id>`: a key event file's address carries an opaque
        # key, never its id (incidents/links.py). Registered before any URL module is imported.
        register_converter(KeyEventFileKeyConverter, "keyeventfile")

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

        from safeguard.casework.services.retention import (
            destroy_exports,
            destroy_key_events,
            destroy_linked_categories,
            destroy_reviews,
        )

        incident_records_destroyed.connect(
            destroy_reviews, dispatch_uid="safeguard-casework-destroy-reviews"
        )
        incident_records_destroyed.connect(
            destroy_exports, dispatch_uid="safeguard-casework-destroy-exports"
        )
        incident_records_destroyed.connect(
            destroy_key_events, dispatch_uid="safeguard-casework-destroy-key-events"
        )
        incident_records_destroyed.connect(
            destroy_linked_categories, dispatch_uid="safeguard-casework-destroy-linked-categories"
        )

        from safeguard.audit import sealing
        from safeguard.casework.models import (
            KeyEvent,
            KeyEventFile,
            LinkedPupilCategories,
            LinkedPupilCategory,
            TriageEntry,
        )
        from safeguard.incidents.services import attachments

        # The tables the migrations make immutable are sealed into the audit trail when written.
        sealing.register(TriageEntry)
        sealing.register(KeyEvent)
        sealing.register(LinkedPupilCategories)
        sealing.register(LinkedPupilCategory)
        # A key event's files: sealed with their stored bytes, and kept from the orphan
        # sweep, as incidents' attachments are.
        sealing.register(KeyEventFile, extra=attachments.stored_file_digest)
        attachments.register_file_table(KeyEventFile)
