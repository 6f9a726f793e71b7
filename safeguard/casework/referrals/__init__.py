"""Referrals to other agencies, with their outcomes and chases, and the multi-agency meetings
about a pupil (conferences, core groups, strategy discussions...): each an entry added to the
record and never changed, for the leads only."""
