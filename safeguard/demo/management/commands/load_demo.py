"""Fill the database with an obviously fictional trust, two schools, staff, pupils and a
term of records (incidents, actions, alerts, corrections: `safeguard.demo.records`).

Safe to re-run: everything is looked up by a stable key (school name, email
address, UPN, a record's fixed submit key) and reused, so a second run creates
nothing and takes a moment.
Demo passwords, and the authenticator-app keys of the people whose role needs a
second factor, are put back to the printed ones on every run, so the tables at the
end are always true.
"""

import datetime
import random
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt, encrypt
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from safeguard.accounts.models import Membership, School, StaffGroup, Trust, User
from safeguard.accounts.permissions import Role
from safeguard.accounts.services import create_school
from safeguard.demo.records import load_records
from safeguard.lib.upn import make_upn
from safeguard.pupils.models import Pupil, PupilStatus, Sex, StatusKind, YearGroup

DEMO_PASSWORD = "Demo-Pass-2026!"  # noqa: S105 - printed for everyone to use: demo data only
TRUST_NAME = "Northwind Learning Trust (demo)"
LARKSPUR = "Larkspur Primary School (demo)"
FERNHILL = "Fernhill Academy (demo)"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    first_name: str
    last_name: str
    roles: tuple[tuple[str, str, str], ...]  # (school name, role, job title)


PEOPLE = (
    DemoPerson(
        "dsl@larkspur.example",
        "Dana",
        "Whitfield",
        ((LARKSPUR, Role.DSL, "Deputy headteacher and DSL"),),
    ),
    DemoPerson(
        "deputy@larkspur.example",
        "Priya",
        "Okafor",
        ((LARKSPUR, Role.DEPUTY_DSL, "SENCO and deputy DSL"),),
    ),
    DemoPerson("slt@larkspur.example", "Martin", "Hale", ((LARKSPUR, Role.SLT, "Headteacher"),)),
    DemoPerson(
        "teacher@larkspur.example",
        "Terry",
        "Lowe",
        ((LARKSPUR, Role.TEACHER, "Year 6 class teacher"),),
    ),
    DemoPerson(
        "ta@larkspur.example",
        "Aisha",
        "Rahman",
        ((LARKSPUR, Role.TEACHING_ASSISTANT, "Teaching assistant"),),
    ),
    DemoPerson(
        "office@larkspur.example",
        "Olive",
        "Chambers",
        ((LARKSPUR, Role.OFFICE, "School business manager"),),
    ),
    DemoPerson(
        "midday@larkspur.example", "Megan", "Doyle", ((LARKSPUR, Role.MIDDAY, "Midday supervisor"),)
    ),
    DemoPerson(
        "other@larkspur.example", "Stan", "Ellery", ((LARKSPUR, Role.OTHER, "Site manager"),)
    ),
    DemoPerson(
        "governor@larkspur.example",
        "Grace",
        "Bellamy",
        ((LARKSPUR, Role.GOVERNOR, "Safeguarding governor"),),
    ),
    DemoPerson(
        "dsl@fernhill.example",
        "Farid",
        "Nasser",
        ((FERNHILL, Role.DSL, "Assistant headteacher (pastoral) and DSL"),),
    ),
    DemoPerson(
        "teacher@fernhill.example",
        "Tess",
        "Marlow",
        ((FERNHILL, Role.TEACHER, "Teacher of English, tutor 8B"),),
    ),
    DemoPerson(
        "lead@northwind.example",
        "Nadia",
        "Forsyth",
        (
            (LARKSPUR, Role.DEPUTY_DSL, "Trust safeguarding lead"),
            (FERNHILL, Role.DEPUTY_DSL, "Trust safeguarding lead"),
        ),
    ),
)

# Authenticator-app setup keys (base32) for the demo people whose role needs a second
# factor. Fixed and printed, like the password: demo data only. The Fernhill DSL has none,
# so signing in as them shows what a DSL sees before enrolling.
DEMO_TOTP_SECRETS = {
    "dsl@larkspur.example": "G26LRPSN2WTEHNETJGRLNQ2H4TDWCJXF",
    "deputy@larkspur.example": "FYCQ6GK4QFDEKCLTQDHTA2LRRPWISBRO",
    "slt@larkspur.example": "EW4JZFU35EAG663SDSMGEAFHDNSDF2U2",
    "lead@northwind.example": "YUM6FU3K7IHYFDEKT2D63LLNLBPWHLKE",
}

# Larkspur's staff groups besides the built-in SLT group: name -> member emails.
GROUPS = {
    "SLT": ("slt@larkspur.example", "dsl@larkspur.example"),
    "SEND team": ("deputy@larkspur.example", "ta@larkspur.example"),
    "Year 6 team": ("teacher@larkspur.example", "ta@larkspur.example"),
    "Pastoral team": (
        "deputy@larkspur.example",
        "office@larkspur.example",
        "midday@larkspur.example",
    ),
}
GROUP_DESCRIPTIONS = {
    "SEND team": "Special educational needs: the SENCO and support staff.",
    "Year 6 team": "Everyone who teaches or supports Year 6.",
    "Pastoral team": "Wellbeing, attendance and lunchtime.",
}

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


class Command(BaseCommand):
    help = (
        "Load fictional demo data: a trust, two schools, one account per role, about a "
        "hundred pupils and a term of incidents. Safe to re-run; it reuses what exists."
    )

    def handle(self, *args: object, **options: object) -> None:
        self.created = 0
        with transaction.atomic():
            trust = self._trust()
            schools = {
                LARKSPUR: self._school(LARKSPUR, trust, "larkspur.example,northwind.example"),
                FERNHILL: self._school(FERNHILL, trust, "fernhill.example,northwind.example"),
            }
            password_hash = make_password(DEMO_PASSWORD)
            memberships = self._people(schools, password_hash)
            self._authenticator_apps()
            self._groups(schools[LARKSPUR], memberships)
            self._pupils(schools[LARKSPUR], LARKSPUR_CLASSES, estab="2001", seed=1)
            self._pupils(schools[FERNHILL], FERNHILL_CLASSES, estab="4001", seed=2)
            self.created += load_records(
                {"larkspur": (schools[LARKSPUR], "2001"), "fernhill": (schools[FERNHILL], "4001")}
            )
        self._print_accounts()

    # -- organisation -----------------------------------------------------------------

    def _trust(self) -> Trust:
        trust, created = Trust.objects.get_or_create(name=TRUST_NAME)
        self.created += created
        return trust

    def _school(self, name: str, trust: Trust, domains: str) -> School:
        school = School.objects.filter(name=name).first()
        if school is None:
            school = create_school(name=name, trust=trust, email_domains=domains)
            self.created += 1
        return school

    def _people(self, schools: dict[str, School], password_hash: str) -> dict[str, Membership]:
        """One account per demo person; returns Larkspur memberships by email."""
        larkspur: dict[str, Membership] = {}
        for person in PEOPLE:
            user = User.objects.filter(email=person.email).first()
            if user is None:
                user = User.objects.create_user(
                    person.email, first_name=person.first_name, last_name=person.last_name
                )
                self.created += 1
            # Always back to the printed password, so the table below stays true.
            User.objects.filter(pk=user.pk).update(password=password_hash, is_active=True)
            _, created = EmailAddress.objects.update_or_create(
                user=user, email=person.email, defaults={"verified": True, "primary": True}
            )
            self.created += created
            for school_name, role, job_title in person.roles:
                school = schools[school_name]
                membership = Membership.objects.for_school(school).filter(user=user).first()
                if membership is None:
                    membership = Membership.objects.create(
                        school=school,
                        user=user,
                        role=role,
                        job_title=job_title,
                        invited_at=timezone.now(),
                    )
                    self.created += 1
                if school_name == LARKSPUR:
                    larkspur[person.email] = membership
        return larkspur

    def _authenticator_apps(self) -> None:
        """Each person in DEMO_TOTP_SECRETS has an authenticator app with the printed key."""
        for email, secret in DEMO_TOTP_SECRETS.items():
            user = User.objects.get(email=email)
            app = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
            if app is None:
                TOTP.activate(user, secret)
                self.created += 1
            elif decrypt(app.data["secret"]) != secret:
                app.data = {"secret": encrypt(secret)}
                app.save(update_fields=["data"])

    def _groups(self, school: School, memberships: dict[str, Membership]) -> None:
        for name, emails in GROUPS.items():
            groups = StaffGroup.objects.for_school(school)
            group = (
                groups.filter(is_slt=True).first()
                if name == "SLT"
                else (groups.filter(name=name).first())
            )
            if group is None:
                group = StaffGroup.objects.create(
                    school=school, name=name, description=GROUP_DESCRIPTIONS.get(name, "")
                )
                self.created += 1
            group.members.add(*(memberships[email] for email in emails))

    # -- pupils ------------------------------------------------------------------------

    def _pupils(
        self,
        school: School,
        classes: tuple[tuple[YearGroup, str, int], ...],
        *,
        estab: str,
        seed: int,
    ) -> None:
        # Seeded, so every run (and every machine) invents the same children.
        rng = random.Random(seed)  # noqa: S311 - fictional names, not security
        existing = set(Pupil.objects.for_school(school).values_list("upn", flat=True))
        today = timezone.localdate()
        school_year = today.year if today.month >= 9 else today.year - 1
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
                self.created += 1
                self._statuses(school, pupil, serial, today)

    def _statuses(self, school: School, pupil: Pupil, serial: int, today: datetime.date) -> None:
        for kind, every in STATUS_EVERY:
            if serial % every == 0:
                PupilStatus.objects.create(
                    school=school,
                    pupil=pupil,
                    kind=kind,
                    started_on=today - datetime.timedelta(days=30 * (serial % 12 + 1)),
                )
                self.created += 1

    # -- output ------------------------------------------------------------------------

    def _print_accounts(self) -> None:
        out = self.stdout.write
        out("")
        out(
            self.style.SUCCESS(
                f"Demo data ready ({self.created} new rows)."
                if self.created
                else "Demo data ready (already loaded; nothing new)."
            )
        )
        out("")
        out(f"  Open {settings.SITE_URL} and sign in as anyone below.")
        out("")
        rows = [
            (person.email, Role(role).label, school_name, DEMO_PASSWORD)
            for person in PEOPLE
            for school_name, role, _ in person.roles
        ]
        header = ("Email", "Role", "School", "Password")
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, tuple("-" * w for w in widths), *rows]:
            out(("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))).rstrip())
        out("")
        self._print_authenticator_apps()
        if "console" in settings.MAILERS["default"]["BACKEND"]:
            out("  Emails (invitations, password resets) are printed in this terminal.")
        else:
            out("  Emails (invitations, password resets) go to the configured mail server.")
        out("")

    def _print_authenticator_apps(self) -> None:
        out = self.stdout.write
        out("  Second factor: DSLs, deputies and senior leaders need one. These accounts have an")
        out("  authenticator app already; after the password, Safeguard asks for its 6-digit code.")
        out("  Add the setup key to an authenticator app (or scan a QR code made from the")
        out("  otpauth:// link), or get the current code in a terminal with:")
        out("""    .venv/bin/python -c "import pyotp; print(pyotp.TOTP('SETUP-KEY').now())\"""")
        out("")
        adapter = get_mfa_adapter()
        width = max(len(email) for email in DEMO_TOTP_SECRETS)
        for email, secret in DEMO_TOTP_SECRETS.items():
            user = User.objects.get(email=email)
            out(f"  {email.ljust(width)}  setup key {secret}")
            out(f"  {''.ljust(width)}  {adapter.build_totp_url(user, secret)}")
        out("")
        out(
            "  Everyone else with a DSL, deputy or SLT role (such as dsl@fernhill.example) is asked"
        )
        out("  to set one up at first sign-in. Security keys and passkeys need the site opened")
        out(f"  as {settings.SITE_URL} (not 127.0.0.1).")
        out("")
