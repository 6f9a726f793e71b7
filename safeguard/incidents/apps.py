from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "safeguard.incidents"
    label = "incidents"

    def ready(self) -> None:
        from safeguard.audit import sealing
        from safeguard.incidents import attachments
        from safeguard.incidents.models import (
            Action,
            Attachment,
            BodyMapMark,
            Incident,
            IncidentCategory,
            IncidentCorrection,
            LinkedPupil,
        )

        # Every table migration 0003 makes immutable is sealed into the audit trail
        # when written, so verify_audit notices a change behind the app's back.
        for model in (
            Incident,
            IncidentCategory,
            LinkedPupil,
            Action,
            BodyMapMark,
            IncidentCorrection,
        ):
            sealing.register(model)
        sealing.register(Attachment, extra=attachments.stored_file_digest)
