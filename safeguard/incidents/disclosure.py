"""Auditing a disclosure: every page that shows an incident's account records who saw it."""

from safeguard.accounts.requests import SchoolRequest
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record
from safeguard.incidents.models import Incident


def audit_disclosure(request: SchoolRequest, incident: Incident, action: AuditAction) -> None:
    """Record that `request.user` was shown `incident` (viewed, printed...), for the pupil's
    access log and the audit trail."""
    record(
        actor=request.user,
        action=action,
        school=request.school,
        target=incident,
        detail={"pupil": incident.pupil_id},
    )
