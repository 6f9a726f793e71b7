"""Drafts kept by `services/drafts.py`: started only when worth keeping, the author's alone."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from safeguard.incidents.models import Draft
from safeguard.incidents.services import drafts

pytestmark = pytest.mark.django_db


def test_the_service_keeps_nothing_for_an_empty_form(midday, membership_of, school):
    kept = drafts.save_draft(
        membership=membership_of(midday), submit_key=uuid.uuid4(), data={"pupil_query": ["Sal"]}
    )
    assert kept is None
    assert not Draft.objects.for_school(school).exists()


def test_draft_is_private_to_its_author(teacher, midday, membership_of):
    key = uuid.uuid4()
    drafts.save_draft(membership=membership_of(teacher), submit_key=key, data={"text": "x"})
    with pytest.raises(ValidationError, match="someone else"):
        drafts.save_draft(membership=membership_of(midday), submit_key=key, data={"text": "y"})
