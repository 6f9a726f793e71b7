"""The hostile-input suite: what a careful attacker tries, and the refusal each one gets.

Every test makes one attack through the real views, as a signed-in member of staff (or a
stranger), and checks two things: the specific refusal (status, message) and that nothing
was stored, changed or shown that should not be (a snapshot of every table before and
after, other schools' names absent from the page, the emails sent). Cases generated from
the URL walk (tests/routes.py) cover every view, including ones added later.

The modules, by what is attacked (with how many inputs each tried when the suite was
written, 834 in all; parametrised cases count one each, and the URL walk adds cases as views
are added, so `pytest tests/hostile --collect-only -q` gives today's):

- test_access_ids_and_searches.py: another school's id in each keyword of each URL, a
  colleague's record, alert or draft, each the same 404 as a missing id, byte for byte (54);
  pupil, staff and recipient suggestions, the pupil list and move-incident searches, audit
  filters and export, lists (9); drafts stuffed with another school's ids, follow-up links
  to others' actions, a DSL demoted mid-session.
- test_crafted_fields.py: extra fields for author, times, school, status, withdrawal,
  superuser, role and email; a submit key or draft key reused by someone else; a restricted
  category; a non-DSL changing their own role (15); archived, retired, deactivated, other
  schools' pupils, categories, groups, colleagues, DSLs and linked pupils, ids that aren't
  numbers, in incidents, actions, follow-ups, moves, recategorising, group members and
  switching school (21); an invitation accepted with crafted fields.
- test_submitted_records.py: PUT, PATCH and DELETE on every incident URL, POST on the
  read-only ones, guessed edit, delete and admin URLs (36); the same incident or action
  twice, a lost race on the submit key, an action key reused elsewhere or by someone else,
  a draft revived after submit (6).
- test_forged_requests.py: a POST without the CSRF token to every URL in the project, a
  token from another session, a foreign Origin (95); record pages, print, download, pupil
  page, list and 404 kept out of caches (6); web cache deception, GET/HEAD/OPTIONS on
  POST-only views, forged Host headers, a poisoned reset link, forged htmx headers, NUL and
  line breaks in the User-Agent, a spoofed X-Forwarded-For, too many fields, too big a body.
- test_injection.py: five script payloads in seventeen fields (incident text, location,
  body map notes, action text, file names, pupil, staff, group, category and school names,
  four correction reasons and the mistake note, status notes, leaving destination),
  template syntax, and script in searches, filters and the sign-in `next` (97); SQL-ish
  searches; spreadsheet formulas in the audit export.
- test_uploaded_files.py: HTML, SVG and programs disguised as PDF, images and Office files,
  a zip bomb, zip slip, double, homoglyph and direction-override extensions, path traversal
  and hidden names, header smuggling in names, a pixel flood, size, count and total limits,
  and inert downloads of accepted files with markup inside (34).
- test_sign_in_attempts.py: sign-in and reset answers for known and unknown addresses,
  per-account and per-address throttles, forged invitation links (8); a second-factor code
  used twice, from an earlier step, or reused to confirm a sensitive step (3); a planted
  session id, broken bytes in the signed-out forms and the code step.
- test_open_redirects.py: ten payloads through `next` on sign-in, the second-factor step,
  sign-out, "stay signed in", switching school and confirming a password (60).
- test_email_headers_and_content.py: line breaks in staff, group, category and school names
  and in addresses, emails from people whose stored names hold line breaks (13); incident,
  action and mistake alerts hold no pupil name, date of birth, UPN, text, location or record
  address (3).
- test_malformed_input.py: NUL bytes and invalid UTF-8 in every field of every form, huge,
  empty, control-character and damaged text, future and impossible dates, body map marks off
  the drawing or given a part of the other side, overflowing, zero, negative and malformed
  ids in every URL, odd page numbers and audit filters, huge and NUL-holding searches.

The other modules test one surface each in more depth (restricted records, alerts across
schools, staff shared between schools, uploads and drafts, signing in and accounts, text and
references, ids every school shares in addresses and anchors, queued emails, the database
and the audit chain under attack). Shared pieces:
payloads.py (what an attacker types), files.py (uploads that lie), state.py (a snapshot of
everything stored, and pages made comparable), helpers.py (form data, lookups, a recorded
incident) and conftest.py (a pupil, another school's records, a submitted incident).
"""
