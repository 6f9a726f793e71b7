from typing import TYPE_CHECKING, Any

from django.apps import AppConfig

if TYPE_CHECKING:
    from safeguard.accounts.models import School
    from safeguard.accounts.requests import SafeguardRequest


def give_new_school_default_categories(sender: Any, school: "School", **kwargs: Any) -> None:
    """accounts.signals.school_created: a new school starts with the default categories."""
    from safeguard.incidents.services.categories import seed_default_categories

    seed_default_categories(school=school)


def keep_incident_being_sent(sender: Any, request: "SafeguardRequest", **kwargs: Any) -> bool:
    """accounts.signals.session_expired: an incident posted as the session ended is kept as
    its author's draft; True if one was kept."""
    from safeguard.incidents.views.drafts import keep_as_draft

    return keep_as_draft(request)


class IncidentsConfig(AppConfig):
    name = "safeguard.incidents"
    label = "incidents"

    def ready(self) -> None:
        from safeguard.accounts.signals import school_created, session_expired

        # Accounts sits below incidents and cannot call it: it sends these signals instead.
        school_created.connect(
            give_new_school_default_categories, dispatch_uid="safeguard-default-categories"
        )
        session_expired.connect(keep_incident_being_sent, dispatch_uid="safeguard-keep-draft")

        from django.urls import register_converter

        from safeguard.incidents.links import (
            DraftKeyConverter,
            FileKeyConverter,
            IncidentKeyConverter,
        )

        # `<incident:incident_id>`, `<file:attachment_id>`, `<draft:draft_id>`: addresses carry an opaque key,
        # never the id (links.py). Registered before any URL module is imported.
        register_converter(IncidentKeyConverter, "incident")
        register_converter(FileKeyConverter, "file")
        register_converter(DraftKeyConverter, "draft")

        from safeguard.audit import sealing
        from safeguard.incidents.models import (
            Action,
            Attachment,
            BodyMapMark,
            Incident,
            IncidentCategory,
            IncidentCorrection,
            IncidentReference,
            LinkedPupil,
        )
        from safeguard.incidents.services import attachments

        # Every table the migrations make immutable is sealed into the audit trail
        # when written, so verify_audit notices a change behind the app's back.
        for model in (
            Incident,
            IncidentCategory,
            LinkedPupil,
            Action,
            BodyMapMark,
            IncidentCorrection,
            IncidentReference,
        ):
            sealing.register(model)
        sealing.register(Attachment, extra=attachments.stored_file_digest)
