"""The demo's pupils: about a hundred invented children in Larkspur's classes and Fernhill's
tutor groups, some with statuses (free school meals, EAL, SEN support, a child protection
plan, looked after) and two who have left.

Names and birthdays come from a seeded random generator and UPNs from a fixed serial, so
every run (and every machine) invents the same children and a second run adds none.
"""

import datetime
import random

from django.utils import timezone

from safeguard.accounts.models import School
from safeguard.lib.upn import make_upn
from safeguard.pupils.models import Pupil, PupilStatus, Sex, StatusKind, YearGroup

FIRST_NAMES = {
    Sex.FEMALE: (
        "Amara",
        "Bella",
        "Chloe",
        "Daisy",
        "Ella",
        "Freya",
        "Grace",
        "Hana",
        "Isla",
        "Jasmine",
        "Keira",
        "Layla",
        "Maya",
        "Nia",
        "Olivia",
        "Poppy",
        "Ruby",
        "Sofia",
        "Tilly",
        "Zara",
    ),
    Sex.MALE: (
        "Adam",
        "Ben",
        "Callum",
        "Dev",
        "Ethan",
        "Finn",
        "George",
        "Harry",
        "Ibrahim",
        "Jack",
        "Kai",
        "Leo",
        "Max",
        "Noah",
        "Oscar",
        "Reuben",
        "Sami",
        "Theo",
        "Yusuf",
        "Zac",
    ),
}
LAST_NAMES = (
    "Abbott",
    "Begum",
    "Carter",
    "Dalton",
    "Evans",
    "Fletcher",
    "Gill",
    "Hughes",
    "Iqbal",
    "Jones",
    "Kowalski",
    "Lewis",
    "Mensah",
    "Novak",
    "O'Brien",
    "Patel",
    "Quinn",
    "Reid",
    "Shah",
    "Thornton",
    "Usman",
    "Vaughan",
    "Walsh",
    "Young",
)
PREFERRED = {"Daisy": "Dee", "Ibrahim": "Ibby", "Olivia": "Liv", "Reuben": "Ru", "Sofia": "Sofi"}

# (year group, class or tutor group, how many pupils)
LARKSPUR_CLASSES = (
    (YearGroup.N2, "Acorns", 6),
    (YearGroup.R, "Robins", 8),
    (YearGroup.Y1, "Wrens", 8),
    (YearGroup.Y2, "Owls", 8),
    (YearGroup.Y3, "Kestrels", 8),
    (YearGroup.Y4, "Falcons", 7),
    (YearGroup.Y5, "Herons", 7),
    (YearGroup.Y6, "Eagles", 8),
)
FERNHILL_CLASSES = tuple(
    (year, f"{year.value}{form}", 4)
    for year in (YearGroup.Y7, YearGroup.Y8, YearGroup.Y9, YearGroup.Y10, YearGroup.Y11)
    for form in "AB"
)
# Age on 1 September at the start of the school year, per year group.
AGE_IN_SEPTEMBER = {
    YearGroup.N2: 3,
    YearGroup.R: 4,
    **{YearGroup(str(n)): n + 4 for n in range(1, 12)},
}
# Every n-th pupil gets this status (deterministic, so re-runs agree).
STATUS_EVERY = (
    (StatusKind.FSM, 5),
    (StatusKind.EAL, 7),
    (StatusKind.SEN_SUPPORT, 9),
    (StatusKind.CP_PLAN, 17),
    (StatusKind.LOOKED_AFTER, 23),
)


def load_pupils(
    school: School,
    classes: tuple[tuple[YearGroup, str, int], ...],
    *,
    estab: str,
    seed: int,
) -> int:
    """The school's demo pupils not yet made; returns how many rows this run made."""
    # Seeded, so every run (and every machine) invents the same children.
    rng = random.Random(seed)  # noqa: S311 - fictional names, not security
    existing = set(Pupil.objects.for_school(school).values_list("upn", flat=True))
    today = timezone.localdate()
    school_year = today.year if today.month >= 9 else today.year - 1
    created = 0
    serial = 0
    for year_group, group, count in classes:
        for _ in range(count):
            serial += 1
            sex = rng.choice((Sex.FEMALE, Sex.MALE))
            first = rng.choice(FIRST_NAMES[sex])
            last = rng.choice(LAST_NAMES)
            born_year = school_year - AGE_IN_SEPTEMBER[year_group] - 1
            born = datetime.date(born_year, 9, 1) + datetime.timedelta(days=rng.randrange(365))
            upn = make_upn(f"999{estab}26{serial:03d}")  # fixed, so re-runs match
            if upn in existing:
                continue
            archived = serial in (3, 11)
            pupil = Pupil.objects.create(
                school=school,
                legal_first_name=first,
                legal_last_name=last,
                preferred_first_name=PREFERRED.get(first, "") if serial % 4 == 0 else "",
                date_of_birth=born,
                upn=upn,
                admission_number=f"{estab}{serial:04d}",
                sex=sex,
                year_group=year_group,
                registration_group=group,
                on_roll_on=datetime.date(school_year, 9, 1),
                is_archived=archived,
                left_on=today if archived else None,
                leaving_destination="Moved out of the area (demo)" if archived else "",
                source="demo",
            )
            created += 1
            created += _statuses(school, pupil, serial, today)
    return created


def _statuses(school: School, pupil: Pupil, serial: int, today: datetime.date) -> int:
    created = 0
    for kind, every in STATUS_EVERY:
        if serial % every == 0:
            PupilStatus.objects.create(
                school=school,
                pupil=pupil,
                kind=kind,
                started_on=today - datetime.timedelta(days=30 * (serial % 12 + 1)),
            )
            created += 1
    return created
