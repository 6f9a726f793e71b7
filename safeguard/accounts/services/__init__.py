"""Every write to schools, staff and groups. Each one audits in the same transaction.

Rules that hold whatever screen calls them live here, not in forms: a school never loses
its last active DSL, nobody deactivates themselves, the SLT group is never deleted or
renamed, and group members always belong to the group's own school. A broken rule raises
`ValidationError`, keyed by form field where one fits, so a view can show it next to the field.

One module per feature; every service is importable from here too.
"""

from safeguard.accounts.services.account_changes import (
    change_own_name,
    own_email_domain_error,
    record_account_change,
)
from safeguard.accounts.services.groups import (
    SLT_GROUP_DESCRIPTION,
    SLT_GROUP_NAME,
    SLT_RENAME,
    create_group,
    delete_group,
    set_group_members,
    slt_group_of,
    update_group,
)
from safeguard.accounts.services.invitations import (
    ALREADY_ON_STAFF,
    accept_invitation,
    email_domain_error,
    invite_staff,
    invited_membership_of,
    resend_invitation,
)
from safeguard.accounts.services.schools import (
    SCHOOL_EDITABLE_FIELDS,
    create_school,
    find_or_create_trust,
    switch_school,
    update_school,
)
from safeguard.accounts.services.staff import (
    FORMER_STAFF_DETAILS,
    LAST_DSL,
    NAME_IS_THEIRS,
    change_role,
    deactivate_staff,
    reactivate_staff,
    update_staff_details,
)

__all__ = [
    "ALREADY_ON_STAFF",
    "FORMER_STAFF_DETAILS",
    "LAST_DSL",
    "NAME_IS_THEIRS",
    "SCHOOL_EDITABLE_FIELDS",
    "SLT_GROUP_DESCRIPTION",
    "SLT_GROUP_NAME",
    "SLT_RENAME",
    "accept_invitation",
    "change_own_name",
    "change_role",
    "create_group",
    "create_school",
    "deactivate_staff",
    "delete_group",
    "email_domain_error",
    "find_or_create_trust",
    "invite_staff",
    "invited_membership_of",
    "own_email_domain_error",
    "reactivate_staff",
    "record_account_change",
    "resend_invitation",
    "set_group_members",
    "slt_group_of",
    "switch_school",
    "update_group",
    "update_school",
    "update_staff_details",
]
