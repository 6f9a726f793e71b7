"""A pupil's profile for the leads: contacts, professionals involved, siblings and household,
a photo, and the profile's section of the pupil page (docs/profile.md)."""
