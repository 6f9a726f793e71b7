"""Every read of incidents that carries a rule: each rule lives here and nowhere else.

DSLs and deputies (the leads) see every incident in their school,
and all of it. Everyone else sees the incidents they recorded or were alerted
to (on the incident or on an action below it), and of those only what a
non-lead may see:

- an alert sent to someone as a lead (`Alert.is_lead_only`: the automatic DSL
  alert, a mistake report, an incident kept with the leads by a lead or by a
  restricted category, a leads-only action) opens nothing once they are no longer a lead;
- the categories as the author recorded them, without restricted ones, and no
  hint that a lead added one;
- the actions shared with the staff alerted (every non-lead's action, and a
  lead's only when they ticked "Share"), and only the files of those.

Governors see no incidents at all. What "lead" means, and who may be alerted or
assigned, is decided in `accounts/permissions.py`; the staff lists here apply it.

One module per feature (incidents, actions, alerts, staff, drafts); every selector is
importable from here.
"""

from safeguard.incidents.selectors.actions import (
    OPEN_TASK_COUNT_LIMIT,
    TASKS_DUE_FIRST,
    actions_on,
    actions_visible_to,
    attachments_visible_to,
    open_assignments_for,
    shared_with_non_leads,
    task_edge,
)
from safeguard.incidents.selectors.alerts import (
    ALERTS_NEWEST_FIRST,
    UNREAD_COUNT_LIMIT,
    alert_log_shown_to,
    alert_totals,
    alerted_about,
    alerts_by_id,
    alerts_for,
    alerts_in_every_school,
    my_alerts_on,
    newest_alert_on,
    newest_alert_per_incident,
    unread_alert_count,
    unread_alerts_shown_to,
    unread_incident_count,
)
from safeguard.incidents.selectors.drafts import (
    DRAFTS_SHOWN,
    DraftRow,
    drafts_shown_to,
)
from safeguard.incidents.selectors.incidents import (
    AWAITING_REVIEW_COUNT_LIMIT,
    NEWEST_FIRST,
    NEWEST_FIRST_BY_REVIEW,
    as_listed,
    can_see_every_incident,
    categories_as_recorded,
    categories_of,
    categories_offered_to,
    categories_seen_by_non_leads,
    categories_shown_to,
    corrections_shown_to,
    has_restricted_categories,
    has_restricted_category,
    incidents_awaiting_review,
    incidents_visible_to,
    is_kept_with_leads,
    linked_pupils_of,
    marks_of,
    my_incident_ids,
    my_incident_sources,
    my_incidents_among,
    pupils_named_in,
    pupils_to_move_to,
    review_is_kept_with_leads,
)
from safeguard.incidents.selectors.staff import (
    alertable_staff,
    assignable_staff,
    leads_of,
)

__all__ = [
    "ALERTS_NEWEST_FIRST",
    "AWAITING_REVIEW_COUNT_LIMIT",
    "DRAFTS_SHOWN",
    "NEWEST_FIRST",
    "NEWEST_FIRST_BY_REVIEW",
    "OPEN_TASK_COUNT_LIMIT",
    "TASKS_DUE_FIRST",
    "UNREAD_COUNT_LIMIT",
    "DraftRow",
    "actions_on",
    "actions_visible_to",
    "alert_log_shown_to",
    "alert_totals",
    "alertable_staff",
    "alerted_about",
    "alerts_by_id",
    "alerts_for",
    "alerts_in_every_school",
    "as_listed",
    "assignable_staff",
    "attachments_visible_to",
    "can_see_every_incident",
    "categories_as_recorded",
    "categories_of",
    "categories_offered_to",
    "categories_seen_by_non_leads",
    "categories_shown_to",
    "corrections_shown_to",
    "drafts_shown_to",
    "has_restricted_categories",
    "has_restricted_category",
    "incidents_awaiting_review",
    "incidents_visible_to",
    "is_kept_with_leads",
    "leads_of",
    "linked_pupils_of",
    "marks_of",
    "my_alerts_on",
    "my_incident_ids",
    "my_incident_sources",
    "my_incidents_among",
    "newest_alert_on",
    "newest_alert_per_incident",
    "open_assignments_for",
    "pupils_named_in",
    "pupils_to_move_to",
    "review_is_kept_with_leads",
    "shared_with_non_leads",
    "task_edge",
    "unread_alert_count",
    "unread_alerts_shown_to",
    "unread_incident_count",
]
