import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguard.audit.models import AuditAction, AuditEvent
from safeguard.lib.upn import make_upn
from safeguard.pupils import services
from safeguard.pupils.models import Pupil, PupilStatus, StatusKind, YearGroup
from safeguard.pupils.tests.factories import PupilFactory, PupilStatusFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
VALID_UPN = "B801200005001"


def details(**overrides):
    base = {
        "legal_first_name": "Amelia",
        "legal_last_name": "Okafor",
        "date_of_birth": datetime.date(2017, 3, 14),
        "year_group": YearGroup.Y3,
        "registration_group": "3B",
        "upn": VALID_UPN,
    }
    return base | overrides


def audit_rows(action):
    return list(AuditEvent.objects.filter(action=action))


def error_for(field, **overrides):
    """The message the rules give for `field` when creating a pupil with these details."""
    with pytest.raises(ValidationError) as caught:
        services.create_pupil(
            actor=None, school=overrides.pop("school"), details=details(**overrides)
        )
    return caught.value.message_dict[field][0]


# create_pupil


def test_create_pupil_saves_the_pupil_in_the_school(school, dsl):
    pupil = services.create_pupil(actor=dsl, school=school, details=details())
    assert Pupil.objects.for_school(school).get().pk == pupil.pk
    assert pupil.source == "manual"


def test_create_pupil_writes_an_audit_event_without_the_name(school, dsl):
    pupil = services.create_pupil(actor=dsl, school=school, details=details())
    [event] = audit_rows(AuditAction.PUPIL_CREATED)
    assert (event.actor, event.school, event.target_id) == (dsl, school, str(pupil.pk))
    assert "Amelia" not in str(event.detail) and "Okafor" not in str(event.detail)


def test_create_pupil_normalises_the_upn(school, dsl):
    pupil = services.create_pupil(actor=dsl, school=school, details=details(upn=" b801 2000 05001"))
    assert pupil.upn == VALID_UPN


def test_create_pupil_refuses_an_unknown_field(school, dsl):
    with pytest.raises(TypeError):
        services.create_pupil(actor=dsl, school=school, details=details(is_archived=True))


@pytest.mark.parametrize(
    ("upn", "words"),
    [
        ("B80120000500", "13 characters"),
        ("A801200005001", "check letter"),
        ("B80120000A001", "a letter, 11 digits"),
    ],
)
def test_a_malformed_upn_is_refused(school, upn, words):
    assert words in error_for("upn", school=school, upn=upn)


def test_a_upn_already_held_in_the_school_is_refused(school):
    PupilFactory(school=school, upn=VALID_UPN, is_archived=True)
    assert error_for("upn", school=school) == "Another pupil at this school already has this UPN."


def test_the_same_upn_at_another_school_is_allowed(school, other_school, dsl):
    PupilFactory(school=other_school, upn=VALID_UPN)
    services.create_pupil(actor=dsl, school=school, details=details())


def test_an_admission_number_already_held_in_the_school_is_refused(school):
    PupilFactory(school=school, admission_number="A0042")
    message = error_for("admission_number", school=school, admission_number="A0042")
    assert message == "Another pupil at this school already has this admission number."


def test_a_date_of_birth_in_the_future_is_refused(school):
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert "must be in the past" in error_for(
        "date_of_birth", school=school, date_of_birth=tomorrow
    )


def test_a_date_of_birth_more_than_25_years_ago_is_refused(school):
    old = TODAY.replace(year=TODAY.year - 26)
    assert "more than 25 years ago" in error_for("date_of_birth", school=school, date_of_birth=old)


def test_a_leaving_date_before_the_on_roll_date_is_refused(school):
    message = error_for(
        "left_on",
        school=school,
        on_roll_on=datetime.date(2022, 9, 1),
        left_on=datetime.date(2022, 8, 31),
    )
    assert message == "The leaving date cannot be before the on-roll date."


def test_an_on_roll_date_before_birth_is_refused(school):
    message = error_for("on_roll_on", school=school, on_roll_on=datetime.date(2016, 1, 1))
    assert message == "The on-roll date cannot be before the date of birth."


@pytest.mark.parametrize(
    "name", ["Am\x00elia", "Amelia\n", "Am\telia", "\u202eailemA", "Ame\u2028lia", "Ame\x85lia"]
)
def test_names_with_control_characters_are_refused(school, name):
    assert "control characters" in error_for(
        "legal_first_name", school=school, legal_first_name=name
    )


@pytest.mark.parametrize("name", ["Zoë", "O'Brien-Smith", "Nguyễn", "मनोज्ञा", "Siân"])
def test_names_in_any_script_are_accepted(school, dsl, name):
    pupil = services.create_pupil(actor=dsl, school=school, details=details(legal_first_name=name))
    assert pupil.legal_first_name == name


def test_legal_names_are_required(school):
    assert error_for("legal_last_name", school=school, legal_last_name="")


# update_pupil


def test_update_pupil_saves_and_returns_the_changed_field_names(school, dsl):
    pupil = PupilFactory(school=school, registration_group="3B")
    changed = services.update_pupil(
        actor=dsl,
        pupil=pupil,
        details={"registration_group": "4C", "legal_first_name": pupil.legal_first_name},
    )
    assert changed == ["registration_group"]
    pupil.refresh_from_db()
    assert pupil.registration_group == "4C"


def test_update_pupil_audits_field_names_only(school, dsl):
    pupil = PupilFactory(school=school)
    services.update_pupil(
        actor=dsl, pupil=pupil, details={"preferred_first_name": "Jojo", "year_group": "4"}
    )
    [event] = audit_rows(AuditAction.PUPIL_UPDATED)
    assert event.detail == {"fields": ["preferred_first_name", "year_group"]}
    assert event.target_id == str(pupil.pk)


def test_update_pupil_without_changes_writes_no_audit_event(school, dsl):
    pupil = PupilFactory(school=school)
    assert services.update_pupil(actor=dsl, pupil=pupil, details={"upn": pupil.upn.lower()}) == []
    assert audit_rows(AuditAction.PUPIL_UPDATED) == []


def test_update_pupil_compares_with_the_stored_row_not_the_object_passed(school, dsl):
    pupil = PupilFactory(school=school, registration_group="3B")
    pupil.registration_group = "4C"  # as a bound ModelForm leaves it
    assert services.update_pupil(actor=dsl, pupil=pupil, details={"registration_group": "4C"}) == [
        "registration_group"
    ]


def test_a_pupil_keeps_their_own_upn_when_edited(school, dsl):
    pupil = PupilFactory(school=school)
    assert services.update_pupil(actor=dsl, pupil=pupil, details={"upn": pupil.upn}) == []


def test_update_pupil_refuses_another_pupils_upn(school, dsl):
    PupilFactory(school=school, upn=VALID_UPN)
    pupil = PupilFactory(school=school)
    with pytest.raises(ValidationError) as caught:
        services.update_pupil(actor=dsl, pupil=pupil, details={"upn": VALID_UPN})
    assert "already has this UPN" in caught.value.message_dict["upn"][0]


# archive_pupil and restore_pupil


def test_archive_pupil_hides_them_and_records_leaving(school, dsl):
    pupil = PupilFactory(school=school, on_roll_on=datetime.date(2021, 9, 1))
    services.archive_pupil(
        actor=dsl, pupil=pupil, left_on=datetime.date(2024, 7, 19), leaving_destination="Hillside"
    )
    pupil.refresh_from_db()
    assert (pupil.is_archived, pupil.left_on, pupil.leaving_destination) == (
        True,
        datetime.date(2024, 7, 19),
        "Hillside",
    )
    [event] = audit_rows(AuditAction.PUPIL_ARCHIVED)
    assert event.detail == {"fields": ["is_archived", "leaving_destination", "left_on"]}


def test_archive_pupil_refuses_a_leaving_date_before_the_on_roll_date(school, dsl):
    pupil = PupilFactory(school=school, on_roll_on=datetime.date(2021, 9, 1))
    with pytest.raises(ValidationError) as caught:
        services.archive_pupil(actor=dsl, pupil=pupil, left_on=datetime.date(2021, 8, 1))
    assert "left_on" in caught.value.message_dict
    pupil.refresh_from_db()
    assert not pupil.is_archived


def test_archiving_an_archived_pupil_is_refused(school, dsl):
    pupil = PupilFactory(school=school, is_archived=True)
    with pytest.raises(ValidationError):
        services.archive_pupil(actor=dsl, pupil=pupil)


def test_restore_pupil_puts_them_back_on_roll(school, dsl):
    pupil = PupilFactory(
        school=school, is_archived=True, left_on=datetime.date(2024, 7, 19), leaving_destination="X"
    )
    services.restore_pupil(actor=dsl, pupil=pupil)
    pupil.refresh_from_db()
    assert (pupil.is_archived, pupil.left_on, pupil.leaving_destination) == (False, None, "")
    assert len(audit_rows(AuditAction.PUPIL_RESTORED)) == 1


def test_restoring_a_pupil_on_roll_is_refused(school, dsl):
    with pytest.raises(ValidationError):
        services.restore_pupil(actor=dsl, pupil=PupilFactory(school=school))


# add_status and end_status


def test_add_status_records_it_for_the_pupil(school, dsl):
    pupil = PupilFactory(school=school)
    status = services.add_status(
        actor=dsl, pupil=pupil, kind=StatusKind.LOOKED_AFTER, started_on=datetime.date(2024, 1, 8)
    )
    assert status.school == school
    assert status.is_current
    [event] = audit_rows(AuditAction.PUPIL_STATUS_ADDED)
    assert (event.target_id, event.detail) == (str(status.pk), {"pupil_id": pupil.pk})


def test_a_status_cannot_end_before_it_starts(school, dsl):
    pupil = PupilFactory(school=school)
    with pytest.raises(ValidationError) as caught:
        services.add_status(
            actor=dsl,
            pupil=pupil,
            kind=StatusKind.FSM,
            started_on=datetime.date(2024, 1, 8),
            ended_on=datetime.date(2024, 1, 7),
        )
    assert caught.value.message_dict["ended_on"] == [
        "The end date cannot be before the start date."
    ]


def test_a_status_may_start_and_end_on_the_same_day(school, dsl):
    day = datetime.date(2024, 1, 8)
    status = services.add_status(
        actor=dsl, pupil=PupilFactory(school=school), kind="fsm", started_on=day, ended_on=day
    )
    assert status.ended_on == day


def test_a_status_cannot_start_before_birth(school, dsl):
    pupil = PupilFactory(school=school, date_of_birth=datetime.date(2017, 5, 10))
    with pytest.raises(ValidationError) as caught:
        services.add_status(
            actor=dsl, pupil=pupil, kind="eal", started_on=datetime.date(2017, 1, 1)
        )
    assert "before the pupil's date of birth" in caught.value.message_dict["started_on"][0]


def test_a_status_overlapping_one_of_the_same_kind_is_refused(school, dsl):
    existing = PupilStatusFactory(pupil=PupilFactory(school=school), kind=StatusKind.CP_PLAN)
    with pytest.raises(ValidationError) as caught:
        services.add_status(
            actor=dsl, pupil=existing.pupil, kind=StatusKind.CP_PLAN, started_on=TODAY
        )
    assert "already has “Child protection plan”" in caught.value.message_dict["kind"][0]


def test_a_status_of_the_same_kind_after_the_last_one_ended_is_allowed(school, dsl):
    earlier = PupilStatusFactory(
        pupil=PupilFactory(school=school),
        started_on=datetime.date(2022, 1, 1),
        ended_on=datetime.date(2022, 6, 30),
    )
    services.add_status(
        actor=dsl, pupil=earlier.pupil, kind=earlier.kind, started_on=datetime.date(2022, 7, 1)
    )
    assert PupilStatus.objects.for_school(school).count() == 2


def test_end_status_sets_the_end_date_and_audits(school, dsl):
    status = PupilStatusFactory(pupil=PupilFactory(school=school))
    services.end_status(actor=dsl, status=status, ended_on=TODAY)
    status.refresh_from_db()
    assert status.ended_on == TODAY
    [event] = audit_rows(AuditAction.PUPIL_STATUS_ENDED)
    assert event.detail == {"pupil_id": status.pupil_id, "fields": ["ended_on"]}


def test_end_status_refuses_an_end_before_the_start(school, dsl):
    status = PupilStatusFactory(
        pupil=PupilFactory(school=school), started_on=datetime.date(2024, 9, 1)
    )
    with pytest.raises(ValidationError) as caught:
        services.end_status(actor=dsl, status=status, ended_on=datetime.date(2024, 8, 31))
    assert "ended_on" in caught.value.message_dict


def test_a_status_that_has_already_ended_cannot_be_ended_again(school, dsl):
    status = PupilStatusFactory(
        pupil=PupilFactory(school=school),
        started_on=datetime.date(2022, 1, 1),
        ended_on=datetime.date(2022, 6, 30),
    )
    with pytest.raises(ValidationError):
        services.end_status(actor=dsl, status=status, ended_on=TODAY)


def test_record_pupil_viewed_writes_an_audit_event(school, dsl):
    pupil = PupilFactory(school=school)
    services.record_pupil_viewed(actor=dsl, pupil=pupil)
    [event] = audit_rows(AuditAction.PUPIL_VIEWED)
    assert (event.actor, event.target_type, event.target_id) == (dsl, "pupil", str(pupil.pk))


def test_make_upn_in_factories_gives_valid_upns():
    assert make_upn("801200005001") == VALID_UPN
