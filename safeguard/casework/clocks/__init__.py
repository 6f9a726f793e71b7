"""The clocks of referrals and meetings: the school's closure days, its settings for each
clock (Working Together's defaults), the working-day calendar they count by, and the due
and overdue items on a lead's dashboard."""
