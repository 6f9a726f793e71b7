from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "safeguard.incidents"
    label = "incidents"

    def ready(self) -> None:
        from django.urls import register_converter

        from safeguard.incidents.links import IncidentKeyConverter

        # `<incident:incident_id>`: addresses carry an opaque key, never the id (links.py).
        # Registered before any URL module is imported, as every incident URL uses it.
        register_converter(IncidentKeyConverter, "incident")

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
