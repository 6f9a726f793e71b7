"""The demo's trust, its two schools, one account per role (with the authenticator apps of
those whose role needs a second factor) and Larkspur's staff groups.

Everything is looked up by a stable key (school name, email address) and reused, so a
second run creates nothing. Passwords and authenticator-app keys are put back to the
printed ones on every run, so the tables `load_demo` prints are always true.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt, encrypt
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from safeguard.accounts.models import Membership, School, StaffGroup, Trust, User
from safeguard.accounts.permissions import Role
from safeguard.accounts.services import create_school

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
        "teacher2@larkspur.example",
        "Hannah",
        "Price",
        ((LARKSPUR, Role.TEACHER, "Year 5 class teacher"),),
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


def load_people() -> tuple[dict[str, School], int]:
    """The trust, schools, people, authenticator apps and groups; returns the schools by
    name and how many rows this run made."""
    trust, trust_made = Trust.objects.get_or_create(name=TRUST_NAME)
    created = int(trust_made)
    schools: dict[str, School] = {}
    for name, domains in (
        (LARKSPUR, "larkspur.example,northwind.example"),
        (FERNHILL, "fernhill.example,northwind.example"),
    ):
        schools[name], made = _school(name, trust, domains)
        created += made
    memberships, made = _people(schools, make_password(DEMO_PASSWORD))
    created += made
    created += _authenticator_apps()
    created += _groups(schools[LARKSPUR], memberships)
    return schools, created


def _school(name: str, trust: Trust, domains: str) -> tuple[School, int]:
    school = School.objects.filter(name=name).first()
    if school is None:
        return create_school(name=name, trust=trust, email_domains=domains), 1
    return school, 0


def _people(schools: dict[str, School], password_hash: str) -> tuple[dict[str, Membership], int]:
    """One account per demo person; returns Larkspur memberships by email."""
    created = 0
    larkspur: dict[str, Membership] = {}
    for person in PEOPLE:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = User.objects.create_user(
                person.email, first_name=person.first_name, last_name=person.last_name
            )
            created += 1
        # Always back to the printed password, so the table load_demo prints stays true.
        User.objects.filter(pk=user.pk).update(password=password_hash, is_active=True)
        _, made = EmailAddress.objects.update_or_create(
            user=user, email=person.email, defaults={"verified": True, "primary": True}
        )
        created += made
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
                created += 1
            if school_name == LARKSPUR:
                larkspur[person.email] = membership
    return larkspur, created


def _authenticator_apps() -> int:
    """Each person in DEMO_TOTP_SECRETS has an authenticator app with the printed key."""
    created = 0
    for email, secret in DEMO_TOTP_SECRETS.items():
        user = User.objects.get(email=email)
        app = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if app is None:
            TOTP.activate(user, secret)
            created += 1
        elif decrypt(app.data["secret"]) != secret:
            app.data = {"secret": encrypt(secret)}
            app.save(update_fields=["data"])
    return created


def _groups(school: School, memberships: dict[str, Membership]) -> int:
    created = 0
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
            created += 1
        group.members.add(*(memberships[email] for email in emails))
    return created
