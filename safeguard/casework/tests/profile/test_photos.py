"""The pupil's photo: images only, checked and cleaned as attachments are, kept as versions,
shown to the leads only through a permission-checked view."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.casework.profile.models import PupilPhoto
from safeguard.casework.profile.photos import IMAGES_ONLY, add_photo, current_photo, remove_photo
from safeguard.casework.tests.factories import png_upload
from safeguard.pupils.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil(school):
    return PupilFactory(school=school)


def jpeg_with_location() -> SimpleUploadedFile:
    image = Image.new("RGB", (40, 30), (10, 200, 10))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # the camera's make, as a phone writes it
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile("me.jpg", buffer.getvalue(), "image/jpeg")


def test_a_photo_is_cleaned_stored_apart_sealed_and_replaced_as_a_version(lead, pupil):
    first = add_photo(membership=lead, pupil=pupil, upload=jpeg_with_location())
    assert first.stored_name.startswith(f"pupil-photos/{pupil.school_id}/")
    with default_storage.open(first.stored_name, "rb") as stored:
        assert b"PhoneMaker" not in stored.read()
    second = add_photo(membership=lead, pupil=pupil, upload=png_upload())
    assert second.supersedes_id == first.pk and current_photo(pupil) == second
    event = AuditEvent.objects.filter(action=AuditAction.PHOTO_ADDED).latest("id")
    assert "sealed" in event.detail and event.pupil_id == pupil.pk
    remove_photo(membership=lead, pupil=pupil, reason="Parent asked")
    assert current_photo(pupil) is None
    assert PupilPhoto.objects.for_school(pupil.school).count() == 3


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.pdf", b"%PDF-1.4 a letter", IMAGES_ONLY),
        ("photo.png", b"<html><script>alert(1)</script></html>", "not a PNG"),
    ],
)
def test_only_real_images_are_taken(lead, pupil, name, data, message):
    with pytest.raises(ValidationError) as refused:
        add_photo(membership=lead, pupil=pupil, upload=SimpleUploadedFile(name, data))
    assert message.lower() in " ".join(refused.value.message_dict["photo"]).lower()
    assert not PupilPhoto.objects.for_school(pupil.school).exists()


def test_the_photo_is_served_to_leads_only_and_never_sniffed(client_as, dsl, teacher, lead, pupil):
    add_photo(membership=lead, pupil=pupil, upload=png_upload())
    url = reverse("casework:photo", args=[pupil.pk])
    response = client_as(dsl).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert client_as(teacher).get(url).status_code == 403
    page = client_as(dsl).get(reverse("pupils:pupil-detail", args=[pupil.pk]))
    assert f'src="{url}"'.encode() in page.content


def test_uploading_through_the_page_names_a_bad_file_next_to_the_field(client_as, dsl, pupil):
    url = reverse("casework:photo-change", args=[pupil.pk])
    bad = client_as(dsl).post(url, {"photo": SimpleUploadedFile("x.txt", b"hello")})
    assert bad.status_code == 400
    assert bad.context["form"].errors["photo"] == [IMAGES_ONLY]
    good = client_as(dsl).post(url, {"photo": png_upload()})
    assert good.status_code == 302
    assert current_photo(pupil) is not None


def test_a_damaged_image_is_refused_even_after_a_chronology_pdf_was_made(
    client_as, dsl, lead, pupil, django_capture_on_commit_callbacks
):
    """WeasyPrint, loaded for the chronology's PDF, switches Pillow to accepting truncated
    images for the whole process; the upload checks must still refuse them."""
    with django_capture_on_commit_callbacks(execute=True):  # the worker makes it, here inline
        response = client_as(dsl).post(reverse("casework:chronology-pdf", args=[pupil.pk]))
    assert response.status_code == 302
    damaged = SimpleUploadedFile("photo.png", png_upload().read()[:60])
    with pytest.raises(ValidationError, match="could not be read as a PNG image"):
        add_photo(membership=lead, pupil=pupil, upload=damaged)
