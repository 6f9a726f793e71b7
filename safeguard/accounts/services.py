"""Every write to schools, staff and groups. Each one audits in the same transaction."""

from django.db import transaction

from safeguard.accounts.models import School, StaffGroup, Trust, User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import record

SLT_GROUP_NAME = "SLT"


@transaction.atomic
def create_school(
    *, name: str, trust: Trust | None = None, urn: str = "", email_domains: str = "",
    created_by: User | None = None,
) -> School:
    """A new school starts with the built-in SLT group and the default categories."""
    from safeguard.incidents.services import seed_default_categories

    school = School(name=name, trust=trust, urn=urn, email_domains=email_domains)
    school.full_clean()
    school.save()
    StaffGroup.objects.create(
        school=school,
        name=SLT_GROUP_NAME,
        is_slt=True,
        description="Senior leadership: always offered first when alerting (school policy step 6).",
    )
    seed_default_categories(school=school)
    record(actor=created_by, action=AuditAction.SCHOOL_CREATED, school=school, target=school)
    return school
