import factory

from safeguard.accounts.tests.factories import SchoolFactory
from safeguard.incidents.models import Category


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Category {n}")
