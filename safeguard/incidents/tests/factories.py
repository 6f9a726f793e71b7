import factory

from safeguard.accounts.tests.factories import SchoolFactory
from safeguard.incidents.models import Category


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Category {n}")


def record_test_incident(
    membership,
    pupil=None,
    categories=None,
    submit_key=None,
    text="Sally said she was sad.",
    **extra,
):
    """An incident recorded through the real service (there is no other way to make one)."""
    import uuid

    from django.utils import timezone

    from safeguard.incidents.models import Category
    from safeguard.incidents.services import recording
    from safeguard.pupils.tests.factories import PupilFactory

    school = membership.school
    if pupil is None:
        pupil = PupilFactory(school=school)
    if categories is None:
        categories = [Category.objects.for_school(school).get(name="Safeguarding concern")]
    incident = recording.submit_incident(
        membership=membership,
        submit_key=submit_key or uuid.uuid4(),
        pupil=pupil,
        kind="conversation",
        text=text,
        occurred_at=timezone.now(),
        categories=categories,
        **extra,
    ).record
    return incident
