import datetime

import factory

from safeguard.accounts.tests.factories import SchoolFactory
from safeguard.lib.tests.factories import ModelFactory
from safeguard.lib.upn import make_upn
from safeguard.pupils.models import Pupil, PupilStatus, StatusKind, YearGroup


class PupilFactory(ModelFactory[Pupil]):
    class Meta:
        model = Pupil

    school = factory.SubFactory(SchoolFactory)
    legal_first_name = factory.Faker("first_name")
    legal_last_name = factory.Faker("last_name")
    date_of_birth = datetime.date(2017, 5, 10)
    year_group = YearGroup.Y3
    registration_group = "3B"
    upn = factory.Sequence(lambda n: make_upn(f"{820200126000 + n:012d}"))


class PupilStatusFactory(ModelFactory[PupilStatus]):
    class Meta:
        model = PupilStatus

    pupil = factory.SubFactory(PupilFactory)
    school = factory.LazyAttribute(lambda status: status.pupil.school)
    kind = StatusKind.CP_PLAN
    started_on = datetime.date(2024, 9, 1)
