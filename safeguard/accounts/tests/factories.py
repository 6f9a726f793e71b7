import factory
from allauth.account.models import EmailAddress

from safeguard.accounts.models import Membership, School, StaffGroup, User
from safeguard.accounts.permissions import Role
from safeguard.accounts.services import create_school

DEFAULT_PASSWORD = "Correct-Horse-9-Battery"


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"Test School {n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Through the service, so every school has its SLT group and categories.
        return create_school(**kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@school.example")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    role = Role.TEACHER


def member(school: School, role: str, **user_fields) -> User:
    """A person holding `role` in `school`."""
    return MembershipFactory(school=school, role=role, user=UserFactory(**user_fields)).user


class StaffGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffGroup
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Group {n}")

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.add(*extracted)
