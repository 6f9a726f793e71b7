"""The audit trail: append-only and hash-chained, one chain per school (docs/security.md R3, R4).

Nothing but `safeguard.audit.services.record` writes it. The database itself
refuses UPDATE and DELETE on this table (triggers in migration 0002).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class AuditAction(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGNED_OUT = "signed_out", "Signed out"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET = "password_reset", "Password reset"
    SCHOOL_SWITCHED = "school_switched", "Switched school"
    TRUST_CREATED = "trust_created", "Trust created"
    SCHOOL_CREATED = "school_created", "School created"
    SCHOOL_UPDATED = "school_updated", "School details changed"
    STAFF_INVITED = "staff_invited", "Staff invited"
    INVITATION_RESENT = "invitation_resent", "Invitation re-sent"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    ROLE_CHANGED = "role_changed", "Role changed"
    STAFF_DEACTIVATED = "staff_deactivated", "Staff deactivated"
    STAFF_REACTIVATED = "staff_reactivated", "Staff reactivated"
    STAFF_UPDATED = "staff_updated", "Staff details changed"
    GROUP_CREATED = "group_created", "Group created"
    GROUP_UPDATED = "group_updated", "Group changed"
    GROUP_DELETED = "group_deleted", "Group deleted"
    PUPIL_CREATED = "pupil_created", "Pupil added"
    PUPIL_UPDATED = "pupil_updated", "Pupil changed"
    PUPIL_ARCHIVED = "pupil_archived", "Pupil archived"
    PUPIL_RESTORED = "pupil_restored", "Pupil restored"
    PUPIL_VIEWED = "pupil_viewed", "Pupil record viewed"
    PUPIL_STATUS_ADDED = "pupil_status_added", "Pupil status added"
    PUPIL_STATUS_ENDED = "pupil_status_ended", "Pupil status ended"
    CATEGORY_CREATED = "category_created", "Category added"
    CATEGORY_UPDATED = "category_updated", "Category changed"
    CATEGORY_MOVED = "category_moved", "Category reordered"
    DRAFT_STARTED = "draft_started", "Draft of an incident started"
    DRAFT_DISCARDED = "draft_discarded", "Draft of an incident discarded"
    INCIDENT_RECORDED = "incident_recorded", "Incident recorded"
    INCIDENT_VIEWED = "incident_viewed", "Incident viewed"
    INCIDENT_PRINTED = "incident_printed", "Incident printed"
    INCIDENT_CORRECTED = "incident_corrected", "Incident corrected by a DSL"
    INCIDENT_STATUS_CHANGED = "incident_status_changed", "Incident status changed"
    INCIDENT_KEPT_WITH_LEADS = "incident_kept_with_leads", "Incident kept with the leads"
    INCIDENT_RELEASED_FROM_LEADS = (
        "incident_released_from_leads",
        "Incident released from the leads",
    )
    MISTAKE_REPORTED = "mistake_reported", "Mistake reported to the DSL"
    INCIDENT_REVIEWED = "incident_reviewed", "Incident reviewed by a lead"
    CHRONOLOGY_VIEWED = "chronology_viewed", "Chronology viewed"
    CHRONOLOGY_PRINTED = "chronology_printed", "Chronology printed"
    CHRONOLOGY_DOWNLOADED = "chronology_downloaded", "Chronology downloaded as a PDF"
    KEY_EVENT_ADDED = "key_event_added", "Key event added to a chronology"
    ENCOMPASS_RECORDED = "encompass_recorded", "Operation Encompass notification recorded"
    ENCOMPASS_VIEWED = "encompass_viewed", "Operation Encompass notification viewed"
    ENCOMPASS_ACKNOWLEDGED = (
        "encompass_acknowledged",
        "Operation Encompass notification acknowledged",
    )
    REFERRAL_LOGGED = "referral_logged", "Referral logged"
    REFERRAL_OUTCOME_ADDED = "referral_outcome_added", "Referral outcome recorded"
    REFERRAL_CHASED = "referral_chased", "Referral chased"
    REFERRAL_VIEWED = "referral_viewed", "Referral viewed"
    MEETING_RECORDED = "meeting_recorded", "Meeting recorded"
    MEETING_VIEWED = "meeting_viewed", "Meeting viewed"
    MEETING_REPORT_DOWNLOADED = "meeting_report_downloaded", "Meeting report downloaded"
    REFERRALS_LISTED = "referrals_listed", "Referrals and meetings of a pupil viewed"
    REFERRAL_AGENCY_CREATED = "referral_agency_created", "Referral agency added"
    REFERRAL_AGENCY_UPDATED = "referral_agency_updated", "Referral agency changed"
    CASEWORK_CLOCKS_CHANGED = "casework_clocks_changed", "Referral and meeting clocks changed"
    SCHOOL_CLOSURE_ADDED = "school_closure_added", "School closure days added"
    SCHOOL_CLOSURE_REMOVED = "school_closure_removed", "School closure days removed"
    PROFILE_VIEWED = "profile_viewed", "Pupil profile viewed"
    CONTACT_ADDED = "contact_added", "Contact added to a pupil's profile"
    CONTACT_CHANGED = "contact_changed", "Contact changed"
    CONTACT_REMOVED = "contact_removed", "Contact removed"
    PROFESSIONAL_ADDED = "professional_added", "Professional added to a pupil's profile"
    PROFESSIONAL_CHANGED = "professional_changed", "Professional changed"
    PROFESSIONAL_REMOVED = "professional_removed", "Professional removed"
    HOUSEHOLD_LINKED = "household_linked", "Pupils linked as siblings or household"
    HOUSEHOLD_UNLINKED = "household_unlinked", "Sibling or household link removed"
    SIBLING_DISMISSED = "sibling_dismissed", "Suggested sibling dismissed"
    PHOTO_ADDED = "photo_added", "Pupil photo added"
    PHOTO_REMOVED = "photo_removed", "Pupil photo removed"
    KEY_EVENT_FILE_DOWNLOADED = "key_event_file_downloaded", "File of a key event downloaded"
    LINKED_CATEGORIES_ALLOCATED = (
        "linked_categories_allocated",
        "Categories allocated to a linked pupil",
    )
    DECISION_OPTION_CREATED = "decision_option_created", "Decision option added"
    DECISION_OPTION_UPDATED = "decision_option_updated", "Decision option changed"
    DECISION_OPTION_MOVED = "decision_option_moved", "Decision option reordered"
    ACTION_ADDED = "action_added", "Action added"
    ATTACHMENT_ADDED = "attachment_added", "File attached"
    ATTACHMENT_DOWNLOADED = "attachment_downloaded", "File downloaded"
    ALERT_SENT = "alert_sent", "Alert created"
    ALERT_READ = "alert_read", "Alert read"
    ALERT_ACKNOWLEDGED = "alert_acknowledged", "Alert acknowledged"
    ALERT_EMAILED = "alert_emailed", "Alert email sent"
    ALERT_EMAIL_FAILED = "alert_email_failed", "Alert email failed"
    AUDIT_VIEWED = "audit_viewed", "Audit trail viewed"
    AUDIT_EXPORTED = "audit_exported", "Audit trail exported"
    KEY_ADDED = "key_added", "Second factor added"
    KEY_REMOVED = "key_removed", "Second factor removed"
    KEYS_REVOKED = "keys_revoked", "Second factors revoked by a DSL"
    RECOVERY_CODES_GENERATED = "recovery_codes_generated", "Recovery codes generated"
    EMAIL_CHANGED = "email_changed", "Email address changed"
    RECORDS_DESTROYED = "records_destroyed", "Records destroyed (retention period over)"
    RECORDS_SEALED = "records_sealed", "Existing records sealed"
    EMAIL_FAILED = "email_failed", "Email failed"


class AuditEvent(models.Model):
    """One thing someone did. Holds ids and field names, never record text."""

    # Indexed by auditevent_school_time, which starts with it.
    school = models.ForeignKey(
        "accounts.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    # The pupil the event is about, if any, so "who has seen this child's record"
    # needs no JSON query. Filled by record() from the target or detail["pupil"];
    # a plain integer, not a foreign key, so the trail never blocks or follows a pupil row.
    pupil_id = models.IntegerField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The chain the event extends: its school's, so schools append without waiting for
    # each other. Empty for the deployment's chain, which holds the events of no school
    # (signing in, failed sign-ins, trusts) and every event written before chains were
    # per school, so their hashes still verify. Set by audit.services, never by hand.
    chain = models.IntegerField(null=True, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # A chain's head: its newest event, one probe.
            models.Index(fields=["chain", "id"], name="auditevent_chain_head"),
            # The school's trail, newest first, page by page (created_at, id).
            models.Index(fields=["school", "created_at", "id"], name="auditevent_school_time"),
            # What a pupil's access log reads: that pupil's events only, newest first.
            # (action last, so the log's filter reads the index alone)
            models.Index(
                fields=["school", "pupil_id", "created_at", "id", "action"],
                name="auditevent_pupil_time",
            ),
            # Events of no school by a school's staff (signing in and out), and failed
            # sign-ins against their accounts, without reading every school's.
            models.Index(
                fields=["actor", "created_at", "id"],
                condition=Q(school__isnull=True),
                name="auditevent_schoolless_actor",
            ),
            models.Index(
                fields=["target_id", "created_at", "id"],
                condition=Q(school__isnull=True, actor__isnull=True, target_type="user"),
                name="auditevent_schoolless_target",
            ),
            models.Index(fields=["target_type", "target_id"]),
        ]
        constraints = [
            # A fork in a chain (two events naming the same predecessor) is refused by
            # the database, whatever the application does; each chain starts from its
            # own genesis value, so chains never collide here.
            models.UniqueConstraint(fields=["prev_hash"], name="auditevent_one_successor"),
            # A school's chain holds only that school's events.
            models.CheckConstraint(
                condition=Q(chain__isnull=True) | Q(chain=F("school")),
                name="auditevent_chain_of_its_school",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action}"


class SealLayout(models.Model):
    """The fields a seal covers, as the record type had them when the seal was made.

    A column added to a record type later is not in older layouts, so adding one
    leaves every earlier seal valid; a column removed makes those seals fail.
    """

    record_type = models.CharField(max_length=60)
    fields = models.TextField()  # attribute names, sorted, separated by spaces

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record_type", "fields"], name="seallayout_once"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type}: {self.fields}"


class Seal(models.Model):
    """A record's SHA-256 as it was written, committed to by the audit event that wrote it.

    The event's `detail["sealed"]` holds the count and a digest of its seals, so
    the chain's hash covers them: a seal rewritten to match a rewritten record
    breaks that event's commitment (see `audit.sealing`). Written only by
    `audit.services.record(seal=...)`; the database refuses UPDATE and DELETE.
    """

    event = models.ForeignKey(
        AuditEvent, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    record_type = models.CharField(max_length=60)
    record_id = models.BigIntegerField()
    layout = models.ForeignKey(
        SealLayout, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [
            # One seal per record: a second, "corrected" seal can't be slipped in beside it.
            models.UniqueConstraint(fields=["record_type", "record_id"], name="seal_once"),
        ]
        indexes = [
            models.Index(fields=["event", "record_type", "record_id"], name="seal_by_event"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id}"


class ShownIncident(models.Model):
    """One incident an event showed, beside its event: a chronology lists many incidents,
    several naming other children, and each of those children's access logs must find it.

    The event's own `detail["incidents_shown"]` holds the same ids, so the chain covers
    them; these rows are the index the access log reads them through, one probe per
    incident instead of a search through every event's detail. Written only by
    `audit.services.record(shown=...)` in the event's transaction; the database refuses
    UPDATE and DELETE (migration 0017). `incident_id` is a plain integer, as `pupil_id` is
    on the event: the trail never blocks or follows an incident row, which the retention
    purge may destroy.
    """

    event = models.ForeignKey(
        AuditEvent, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    school = models.ForeignKey(
        "accounts.School", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    incident_id = models.BigIntegerField()

    class Meta:
        indexes = [
            # The access log: a school's events that showed any of these incidents.
            models.Index(fields=["school", "incident_id", "event"], name="shownincident_lookup"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["event", "incident_id"], name="shownincident_once"),
        ]

    def __str__(self) -> str:
        return f"event {self.event_id} showed incident {self.incident_id}"
