"""Every write of casework, one module per feature: decisions (the school's list of
decision options), triage (a lead's review of an incident),
retention (reviews destroyed with their incidents), key_events (what a lead adds
straight to a pupil's chronology)."""
