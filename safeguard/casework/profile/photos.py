"""The pupil's photo: uploaded by a lead, checked and cleaned exactly as attachments are
(incidents' `store_uploads`: the content must be the image its name says, re-encoded from
its pixels so no location or camera data survives, scanned when clamd is configured), and
stored under a random name outside the web root, in a folder of its own. Only images.

Each photo is a version: a new one supersedes the last, removing it adds a row saying so.
The file is written before the transaction; if the transaction fails, the file is left
without a row (a few kilobytes, never shown: only a `PupilPhoto` row makes a file visible).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from safeguard.accounts.models import Membership
from safeguard.audit.models import AuditAction
from safeguard.casework.profile import versions
from safeguard.casework.profile.models import REASON_MAX, PupilPhoto
from safeguard.incidents.services.attachments import StoreFailed, store_uploads
from safeguard.incidents.services.filekinds import PILLOW_FORMAT, display_name, extension_of
from safeguard.lib.text import single_line_problem
from safeguard.pupils.models import Pupil

PHOTO_ROOT = "pupil-photos"
IMAGES_ONLY = "Choose a photo: a JPEG, PNG, GIF or WebP image."


def current_photo(pupil: Pupil) -> PupilPhoto | None:
    """The photo shown on the profile, if any (one query)."""
    return versions.live(PupilPhoto, pupil.school_id).filter(pupil=pupil).first()


def _latest(pupil: Pupil) -> PupilPhoto | None:
    """The pupil's newest photo row, a removal included: the one a new row supersedes."""
    return versions.current(PupilPhoto, pupil.school_id).filter(pupil=pupil).first()


def add_photo(
    *, membership: Membership, pupil: Pupil, upload: UploadedFile[Any] | None
) -> PupilPhoto:
    """Check, clean and store the image, and make it the pupil's photo."""
    versions.check_keeper(membership, pupil)
    if upload is None:
        raise ValidationError({"photo": ["Choose the photo to upload."]})
    if extension_of(display_name(upload.name)) not in PILLOW_FORMAT:
        raise ValidationError({"photo": [IMAGES_ONLY]})
    try:
        stored, problems = store_uploads([upload], school=membership.school, root=PHOTO_ROOT)
    except StoreFailed as failed:
        message = (
            "The file store is full: tell your IT support."
            if failed.full
            else ("The photo could not be stored just now: try again.")
        )
        raise ValidationError({"photo": [message]}) from failed
    if problems:
        raise ValidationError({"photo": problems})
    [kept] = stored
    return _save(membership, pupil, kept.stored_name, kept.content_type, kept.size, kept.sha256)


@transaction.atomic
def _save(
    membership: Membership,
    pupil: Pupil,
    stored_name: str,
    content_type: str,
    size: int,
    sha256: str,
) -> PupilPhoto:
    row = PupilPhoto(
        pupil=pupil, stored_name=stored_name, content_type=content_type, size=size, sha256=sha256
    )
    return versions.save_version(
        row, membership=membership, previous=_latest(pupil), action=AuditAction.PHOTO_ADDED
    )


@transaction.atomic
def remove_photo(*, membership: Membership, pupil: Pupil, reason: str) -> PupilPhoto:
    """Take the photo off the profile, saying why; it stays in the history."""
    versions.check_keeper(membership, pupil)
    photo = current_photo(pupil)
    if photo is None:
        raise ValidationError({"reason": ["There is no photo to remove."]})
    problem = single_line_problem(reason.strip(), max_length=REASON_MAX, noun="Reasons")
    if not reason.strip():
        problem = "Say why the photo is being removed."
    if problem:
        raise ValidationError({"reason": [problem]})
    return versions.save_version(
        versions.copy_for_removal(photo, reason.strip()),
        membership=membership,
        previous=photo,
        action=AuditAction.PHOTO_REMOVED,
    )
