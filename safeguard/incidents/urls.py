"""Every incidents URL, in one namespace ("incidents:"), mounted at the site's root.

The paths are the ones people have bookmarked and been emailed: incidents under
/incidents/, a person's alerts under /alerts/ (the emailed link is /alerts/<key>/), and
the school's categories under /school/categories/. Incidents and files are named by opaque
keys (links.py), alerts by their random key; the addresses by number they had before still
answer, for the people allowed to use them.
"""

from django.urls import include, path, re_path

from safeguard.incidents.views import (
    actions,
    alerts,
    attachments,
    categories,
    corrections,
    drafts,
    incidents,
    recording,
)

app_name = "incidents"

incident_urls = [
    path("", incidents.incident_list, name="incident-list"),
    path("mine/", incidents.my_incidents, name="my-incidents"),
    path("<incident:incident_id>/", incidents.incident_detail, name="incident-detail"),
    path("<incident:incident_id>/print/", incidents.incident_print, name="incident-print"),
    # Recording, and the drafts kept while it is written.
    path("new/", recording.incident_add, name="incident-add"),
    path("pupil-search/", recording.pupil_search, name="pupil-search"),
    path("staff-search/", recording.staff_search, name="staff-search"),
    path("recipients-preview/", recording.recipients_preview, name="recipients-preview"),
    path("draft/", drafts.draft_save, name="draft-save"),
    path("drafts/<draft:draft_id>/", drafts.draft_resume, name="draft-resume"),
    path("drafts/<draft:draft_id>/discard/", drafts.draft_discard, name="draft-discard"),
    # By number, from pages shown before drafts had keys: still only the author's own.
    path("drafts/<int:draft_id>/", drafts.draft_resume, name="draft-resume-by-number"),
    path(
        "drafts/<int:draft_id>/discard/",
        drafts.draft_discard,
        name="draft-discard-by-number",
    ),
    # Actions, and the assignments they give ("Your tasks").
    path("<incident:incident_id>/actions/add/", actions.action_add, name="action-add"),
    path(
        "<incident:incident_id>/actions/staff-search/",
        actions.action_staff_search,
        name="action-staff-search",
    ),
    path("tasks/", actions.assignment_list, name="assignment-list"),
    path(
        "<incident:incident_id>/files/<file:attachment_id>/",
        attachments.attachment_download,
        name="attachment-download",
    ),
    # A file's address by number, from pages shown before files had keys: checked, then sent on.
    path(
        "<incident:incident_id>/files/<int:attachment_id>/",
        attachments.attachment_old_link,
        name="attachment-old-link",
    ),
    # DSL corrections and mistake reports.
    path(
        "<incident:incident_id>/correct/categories/",
        corrections.incident_recategorise,
        name="incident-recategorise",
    ),
    path("<incident:incident_id>/correct/pupil/", corrections.incident_move, name="incident-move"),
    path(
        "<incident:incident_id>/correct/withdraw/",
        corrections.incident_withdraw,
        name="incident-withdraw",
    ),
    path(
        "<incident:incident_id>/correct/status/",
        corrections.incident_status,
        name="incident-status",
    ),
    path(
        "<incident:incident_id>/correct/leads/",
        corrections.incident_keep_with_leads,
        name="incident-keep-with-leads",
    ),
    path(
        "<incident:incident_id>/report-mistake/",
        corrections.incident_report_mistake,
        name="incident-report-mistake",
    ),
    # Addresses by number from before the keys (bookmarks, old emails): checked, then sent on.
    re_path(r"^(?P<incident_id>[0-9]+)/", incidents.incident_old_link, name="incident-old-link"),
]

alert_urls = [
    path("", alerts.alert_list, name="alert-list"),
    path("<uuid:key>/", alerts.alert_open, name="alert-open"),
    path("<uuid:key>/incident/", alerts.alert_incident, name="alert-incident"),
    path("<uuid:key>/read/", alerts.alert_read, name="alert-read"),
    path("<uuid:key>/acknowledge/", alerts.alert_acknowledge, name="alert-acknowledge"),
    # By number, as pages shown before alerts were addressed by their key posted them.
    path("<int:alert_id>/incident/", alerts.alert_incident, name="alert-incident-by-number"),
    path("<int:alert_id>/read/", alerts.alert_read, name="alert-read-by-number"),
    path(
        "<int:alert_id>/acknowledge/",
        alerts.alert_acknowledge,
        name="alert-acknowledge-by-number",
    ),
]

category_urls = [
    path("", categories.category_list, name="category-list"),
    path("add/", categories.category_add, name="category-add"),
    path("<int:category_id>/edit/", categories.category_edit, name="category-edit"),
    path("<int:category_id>/retire/", categories.category_retire, name="category-retire"),
    path("<int:category_id>/reinstate/", categories.category_reinstate, name="category-reinstate"),
    path("<int:category_id>/move-up/", categories.category_move_up, name="category-move-up"),
    path("<int:category_id>/move-down/", categories.category_move_down, name="category-move-down"),
]

urlpatterns = [
    path("incidents/", include(incident_urls)),
    path("alerts/", include(alert_urls)),
    path("school/categories/", include(category_urls)),
]
