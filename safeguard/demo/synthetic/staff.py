"""A synthetic school and its staff: the school through the real `create_school` service
(so it gets its categories and SLT group as any school does), its people in bulk.

Every school numbered n has one account per role at `identities.role_email(n, role)` with
`identities.PASSWORD`; those whose role needs a second factor have an authenticator app
keyed `identities.totp_secret(n, role)`, stored as allauth stores it (encrypted). The rest
of the staff (about 100 at a secondary, 35 at a primary) share the password hash but have
no second factor: the benchmark never signs in as them.
"""

import datetime

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt

from safeguard.accounts.models import Membership, School, StaffGroup, Trust, User
from safeguard.accounts.permissions import ROLES_REQUIRING_MFA, SAFEGUARDING_LEADS, Role
from safeguard.accounts.services import create_school
from safeguard.audit.models import AuditAction
from safeguard.demo.models import SyntheticDataset, SyntheticSchool
from safeguard.demo.synthetic import identities
from safeguard.demo.synthetic.context import CategoryInfo, SchoolContext, Staff
from safeguard.demo.synthetic.sink import Row
from safeguard.demo.synthetic.text import FIRST_NAMES, LAST_NAMES
from safeguard.incidents.models import Category
from safeguard.lib import clock

JOB_TITLES: dict[str, str] = {
    Role.DSL: "Designated safeguarding lead",
    Role.DEPUTY_DSL: "Deputy DSL",
    Role.SLT: "Assistant headteacher",
    Role.TEACHER: "Class teacher",
    Role.TEACHING_ASSISTANT: "Teaching assistant",
    Role.OFFICE: "Office manager",
    Role.MIDDAY: "Midday supervisor",
    Role.OTHER: "Site team",
    Role.GOVERNOR: "Governor",
}
# The rest of the staff, by share (the role accounts come on top).
STAFF_MIX = (
    (Role.TEACHER, 55),
    (Role.TEACHING_ASSISTANT, 20),
    (Role.OFFICE, 7),
    (Role.MIDDAY, 6),
    (Role.OTHER, 5),
    (Role.SLT, 4),
    (Role.GOVERNOR, 3),
)


def reference_code(number: int) -> str:
    """Y + three letters: distinct for up to 17,576 schools."""
    letters = ""
    for _ in range(3):
        number, digit = divmod(number, 26)
        letters = chr(ord("A") + digit) + letters
    return "Y" + letters


def make_school(
    *,
    dataset: SyntheticDataset,
    trust: Trust | None,
    number: int,
    is_secondary: bool,
    opened_at: datetime.datetime,
) -> School:
    kind = "Academy" if is_secondary else "Primary School"
    with clock.frozen_at(opened_at):
        school = create_school(
            name=f"Synthetic {kind} {number:04d}",
            trust=trust,
            email_domains=identities.school_domain(number),
        )
    school.reference_code = reference_code(number)
    School.objects.filter(pk=school.pk).update(reference_code=school.reference_code)
    SyntheticSchool.objects.create(school=school, dataset=dataset, number=number)
    return school


def load_categories(school_id: int) -> list[CategoryInfo]:
    return [
        CategoryInfo(c.pk, c.name, c.position, c.is_restricted, c.is_safeguarding)
        for c in Category.objects.for_school(school_id).order_by("position", "name")
    ]


def slt_group(school_id: int) -> int:
    return int(StaffGroup.objects.for_school(school_id).get(is_slt=True).pk)


def make_staff(ctx: SchoolContext, *, count: int, password_hash: str) -> None:
    """The role accounts, then the rest of the staff, their addresses, roles and keys."""
    rng = ctx.rng
    n = ctx.number
    people: list[tuple[str, str, bool]] = [
        (role, identities.role_email(n, role), True) for role in Role
    ]
    extra_deputies = 1 if ctx.is_secondary else 0
    people += [
        (Role.DEPUTY_DSL, f"deputy{i}@{identities.school_domain(n)}", False)
        for i in range(extra_deputies)
    ]
    roles: list[str] = [role for role, _ in STAFF_MIX]
    weights = [share for _, share in STAFF_MIX]
    for i, extra in enumerate(rng.choices(roles, weights, k=max(0, count - len(people)))):
        people.append((extra, f"staff{i:03d}@{identities.school_domain(n)}", False))
    first_user = ctx.ids.take(User, len(people))
    first_membership = ctx.ids.take(Membership, len(people))
    first_address = ctx.ids.take(EmailAddress, len(people))
    users: list[Row] = []
    memberships: list[Row] = []
    addresses: list[Row] = []
    keys: list[Row] = []
    dsl_user = first_user  # the DSL account comes first (Role's order) and invites the rest
    for i, (role, email, is_identity) in enumerate(people):
        user_id, membership_id = first_user + i, first_membership + i
        joined = ctx.between(ctx.opened_at, ctx.now - datetime.timedelta(days=30))
        last_login = ctx.between(ctx.now - datetime.timedelta(days=14), ctx.now)
        users.append(
            {
                "id": user_id,
                "password": password_hash,
                "last_login": last_login,
                "is_superuser": False,
                "email": email,
                "first_name": rng.choice(FIRST_NAMES),
                "last_name": rng.choice(LAST_NAMES),
                "is_active": True,
                "is_staff": False,
                "date_joined": joined,
            }
        )
        addresses.append(
            {
                "id": first_address + i,
                "user_id": user_id,
                "email": email,
                "verified": True,
                "primary": True,
            }
        )
        memberships.append(
            {
                "id": membership_id,
                "school_id": ctx.school_id,
                "user_id": user_id,
                "role": role,
                "job_title": JOB_TITLES[role],
                "first_name": "",
                "last_name": "",
                "is_active": True,
                "invited_by_id": None if i == 0 else dsl_user,
                "invited_at": joined,
                "created_at": joined,
                "deactivated_at": None,
            }
        )
        ctx.staff.append(Staff(user_id, membership_id, role, role in SAFEGUARDING_LEADS))
        _audit_joining(
            ctx, user_id, membership_id, role, joined, invited_by=None if i == 0 else dsl_user
        )
        ctx.trail.add(
            AuditAction.SIGNED_IN,
            at=last_login,
            actor=user_id,
            school=None,
            target=("user", user_id),
            ip=ctx.ip(),
        )
        if is_identity and role in ROLES_REQUIRING_MFA:
            key_id = ctx.ids.take(Authenticator)
            secret = identities.totp_secret(n, role)
            added = joined + datetime.timedelta(minutes=10)
            keys.append(
                {
                    "id": key_id,
                    "user_id": user_id,
                    "type": Authenticator.Type.TOTP,
                    "data": {"secret": encrypt(secret)},
                    "created_at": added,
                    "last_used_at": None,
                }
            )
            ctx.trail.add(
                AuditAction.KEY_ADDED,
                at=added,
                actor=user_id,
                school=None,
                target=("user", user_id),
                detail={"authenticator": key_id, "type": "totp"},
                ip=ctx.ip(),
            )
    ctx.sink.write(User, users)
    ctx.sink.write(EmailAddress, addresses)
    ctx.sink.write(Membership, memberships)
    ctx.sink.write(Authenticator, keys)
    _slt_group(ctx)


def _audit_joining(
    ctx: SchoolContext,
    user_id: int,
    membership_id: int,
    role: str,
    joined: datetime.datetime,
    *,
    invited_by: int | None,
) -> None:
    ctx.trail.add(
        AuditAction.STAFF_INVITED,
        at=joined,
        actor=invited_by,
        school=ctx.school_id,
        target=("membership", membership_id),
        detail={"user_id": user_id, "role": role},
        ip=ctx.ip(),
    )
    ctx.trail.add(
        AuditAction.INVITATION_ACCEPTED,
        at=joined + datetime.timedelta(hours=2),
        actor=None,
        school=ctx.school_id,
        target=("user", user_id),
        detail={"membership_id": membership_id},
        ip=ctx.ip(),
    )


def _slt_group(ctx: SchoolContext) -> None:
    through = StaffGroup.members.through
    members = [s.membership_id for s in ctx.staff if s.role == Role.SLT]
    first = ctx.ids.take(through, len(members))
    ctx.sink.write(
        through,
        [
            {"id": first + i, "staffgroup_id": ctx.slt_group, "membership_id": m}
            for i, m in enumerate(members)
        ],
    )
