import time

import factory
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.account.internal.userkit import user_id_to_str
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from safeguard.accounts.models import Membership, School, StaffGroup, User
from safeguard.accounts.permissions import ROLES_REQUIRING_MFA, Role
from safeguard.accounts.services import create_school
from safeguard.lib.tests.factories import ModelFactory

DEFAULT_PASSWORD = "Correct-Horse-9-Battery"


class SchoolFactory(ModelFactory[School]):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"Test School {n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Through the service, so every school has its SLT group and categories.
        return create_school(**kwargs)


class UserFactory(ModelFactory[User]):
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


class MembershipFactory(ModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    role = Role.TEACHER


def member(school: School, role: str, *, with_key: bool | None = None, **user_fields) -> User:
    """A person holding `role` in `school`.

    DSLs, deputies and SLT get an authenticator app (secret TOTP_SECRET), as they must
    have one to use Safeguard; `with_key=False` makes one who hasn't enrolled yet, and
    `with_key=True` gives anyone a key.
    """
    user = MembershipFactory(school=school, role=role, user=UserFactory(**user_fields)).user
    if with_key if with_key is not None else role in ROLES_REQUIRING_MFA:
        give_totp(user)
    return user


# The authenticator app secret of every factory-made key: pyotp.TOTP(TOTP_SECRET).now().
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def give_totp(user: User, secret: str = TOTP_SECRET) -> Authenticator:
    """Enrol an authenticator app for `user`, as allauth does when they scan the code."""
    return TOTP.activate(user, secret).instance


def passed_second_factor(client: Client, user: User, *, at: float | None = None) -> None:
    """Record in `client`'s session that `user` passed their second factor (by default, now),
    as signing in with password and code does. force_login() skips allauth's steps."""
    key = Authenticator.objects.filter(user=user).exclude(type=Authenticator.Type.RECOVERY_CODES)
    authenticator = key.first()
    if authenticator is None:
        return
    at = time.time() if at is None else at
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": at, "email": user.email},
        {"method": "mfa", "at": at, "id": authenticator.pk, "type": authenticator.type},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()


class StaffGroupFactory(ModelFactory[StaffGroup]):
    class Meta:
        model = StaffGroup
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Group {n}")

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.add(*extracted)
