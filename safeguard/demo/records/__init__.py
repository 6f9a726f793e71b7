"""The demo's term of records: incidents, actions, alerts and corrections, told as stories.

Every record is made by the same services as a real one (`recording`, `actions`,
`corrections`, `alerting`), so the immutability triggers, the seals, the audit
chain and the alerts are all real. Each step runs with the clock set back to its
moment in the term (`lib.clock.frozen_at`), oldest first, so records, alerts and
audit events carry the times they would have had. Dates count back from today over
a term (thirteen weeks), on school days, so the demo stays fresh.

Safe to re-run: each incident and action has a fixed submit key (a UUID made
from its story's name), so the services find what is already recorded; a
correction, a mistake report or a read alert already made is skipped. Files are
made and stored only for records not yet recorded.

Names are the demo pupils' own, filled in when the story is loaded; the text uses
{child}, {he}/{his}/{him} (and capitalised), {link1}, {link2}... and {moved}.

story.py says what a story is made of; larkspur_first_half.py, larkspur_second_half.py
and fernhill.py tell them; loading.py records them.
"""

from safeguard.demo.records.loading import load_records

__all__ = ["load_records"]
