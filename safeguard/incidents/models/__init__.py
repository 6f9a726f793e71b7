"""The incidents app's models, one module per feature; every model is importable from here.

`from safeguard.incidents.models import Incident` keeps working wherever a model lives, and
Django finds them all through this package (the app label stays `incidents`).
"""

from safeguard.incidents.models.action import Action
from safeguard.incidents.models.alert import Alert, AlertReason, EmailState
from safeguard.incidents.models.attachment import Attachment
from safeguard.incidents.models.bodymap import BodyMapMark, BodySide, MarkType
from safeguard.incidents.models.category import DEFAULT_CATEGORIES, Category
from safeguard.incidents.models.draft import Draft
from safeguard.incidents.models.incident import (
    MAX_TEXT_LENGTH,
    Incident,
    IncidentCategory,
    IncidentCounter,
    IncidentReference,
    LinkedPupil,
    LinkRole,
    RecordKind,
)
from safeguard.incidents.models.review import (
    CorrectionKind,
    IncidentCorrection,
    IncidentReview,
    ReviewStatus,
)

__all__ = [
    "DEFAULT_CATEGORIES",
    "MAX_TEXT_LENGTH",
    "Action",
    "Alert",
    "AlertReason",
    "Attachment",
    "BodyMapMark",
    "BodySide",
    "Category",
    "CorrectionKind",
    "Draft",
    "EmailState",
    "Incident",
    "IncidentCategory",
    "IncidentCorrection",
    "IncidentCounter",
    "IncidentReference",
    "IncidentReview",
    "LinkRole",
    "LinkedPupil",
    "MarkType",
    "RecordKind",
    "ReviewStatus",
]
