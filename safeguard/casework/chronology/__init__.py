"""A pupil's chronology: every incident about them (as the main pupil or linked), the actions
on them, the leads' reviews and corrections, and the key events a lead adds, in one list in
date order (docs/chronology.md). `entries` says what one line of it is, `selectors` reads a
page of it, `forms` its filters and key events, `views` its pages and printed copy."""
