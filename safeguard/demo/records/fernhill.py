"""Fernhill's stories: an edited photo passed round Year 8, missed Mondays, and an older
teenager giving a pupil vapes at the bus stop."""

from safeguard.demo.records.story import (
    DAY,
    EVERYONE,
    F_DSL,
    F_TEACHER,
    HOUR,
    Act,
    Correct,
    Story,
)
from safeguard.incidents.models import LinkRole, RecordKind, ReviewStatus

FERNHILL_STORIES = (
    Story(
        "fernhill-edited-photo",
        "fernhill",
        F_TEACHER,
        13,
        days_ago=60,
        at=(8, 40),
        kind=RecordKind.DISCLOSURE,
        categories=("Online safety", "Child-on-child abuse"),
        location="Tutor room 8B",
        text=(
            "At registration {child} told me that an edited photo of {him} with a rude caption "
            "is being passed round on phones in Year 8. {He} said: 'Everyone's seen it, I "
            "can't go to science because they'll all laugh.' {He} thinks it started with "
            "{link1}. I did not ask to see the photo and told {child} I would pass it to "
            "Mr Nasser straight away."
        ),
        links=((10, LinkRole.ALLEGED),),
        spoke_to_dsl=F_DSL,
        then=(
            Act(
                "edited-photo-dealt",
                F_DSL,
                4 * HOUR,
                "Met {link1} with a parent; the image was deleted in front of me and the "
                "group chat closed. Sanction applied under the behaviour policy. {child} and "
                "family told; {child} to go to science with a friend this week.",
                shared=True,
                read_by=EVERYONE,
            ),
            Correct(
                "status",
                F_DSL,
                10 * DAY,
                "Resolved; no further sharing reported.",
                status=ReviewStatus.CLOSED,
            ),
        ),
    ),
    Story(
        "fernhill-mondays",
        "fernhill",
        F_TEACHER,
        15,
        days_ago=33,
        at=(9, 0),
        kind=RecordKind.CONVERSATION,
        categories=("Attendance", "Emotional wellbeing / mental health"),
        location="Tutor room 8B",
        text=(
            "{child} has missed four of the last six Mondays. Today {he} said: 'I can't face "
            "Mondays, Sunday nights I feel sick thinking about it.' {He} would not say more. "
            "I told {him} I would ask Mr Nasser to meet {him}."
        ),
        then=(
            Act(
                "pastoral-meeting",
                F_DSL,
                2 * DAY,
                "Met {child} and dad. Worries about a friendship group falling out; no wider "
                "safeguarding concern found. Weekly mentor meeting on Monday mornings, "
                "attendance to be reviewed at half term.",
                assign=F_TEACHER,
                due_in_days=45,
                shared=True,
                read_by=EVERYONE,
            ),
            Correct(
                "status",
                F_DSL,
                2 * DAY + HOUR,
                "Monitoring attendance until half term.",
                status=ReviewStatus.MONITORING,
            ),
        ),
    ),
    Story(
        "fernhill-bus-stop",
        "fernhill",
        F_TEACHER,
        29,
        days_ago=3,
        at=(15, 45),
        kind=RecordKind.THIRD_PARTY,
        categories=("Outside-school incident",),
        location="Bus stop outside school",
        text=(
            "A member of the public phoned reception to say an older teenager, not in "
            "uniform, has been waiting at the bus stop after school and giving {child} "
            "vapes. Reception passed the call to me. I have not spoken to {child} yet and am "
            "recording it for Mr Nasser."
        ),
        read_by=(),
    ),
)
