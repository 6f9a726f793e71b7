"""Refuse replacing a submitted record, and give retention one narrow way to destroy.

On SQLite, `INSERT OR REPLACE` over a record deletes the old row without firing
the DELETE trigger: a trigger now refuses any insert that meets an existing row.

On PostgreSQL, `safeguard_purge_pupil_records(pupil)` destroys the incidents filed
under one pupil, with what was recorded with them, only once the pupil's date of
birth + 25 years has passed, and refuses otherwise. It runs
with the rights of its owner, the role that runs migrations, so the application's
role needs EXECUTE on it and no DELETE on any record table (`lib/db_roles.py`).
"""

from django.db import migrations

from safeguard.lib.immutable import PURGE_SETTING, refuse_replace

PURGE_FUNCTION = """
CREATE OR REPLACE FUNCTION safeguard_purge_pupil_records(target_pupil bigint) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  born date;
  due date;
  doomed bigint[];
BEGIN
  SELECT date_of_birth INTO born FROM pupils_pupil WHERE id = target_pupil;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no pupil %', target_pupil;
  END IF;
  due := (born + interval '25 years')::date;
  IF current_date < due THEN
    RAISE EXCEPTION 'the records of pupil % are kept until %', target_pupil, due;
  END IF;
  SELECT coalesce(array_agg(i.id), '{{}}') INTO doomed
    FROM incidents_incident i LEFT JOIN incidents_incidentreview r ON r.incident_id = i.id
   WHERE coalesce(r.pupil_id, i.pupil_id) = target_pupil;
  PERFORM set_config('{setting}', 'on', true);
  DELETE FROM incidents_alert WHERE incident_id = ANY (doomed);
  DELETE FROM incidents_incidentreview_categories WHERE incidentreview_id IN
    (SELECT id FROM incidents_incidentreview WHERE incident_id = ANY (doomed));
  DELETE FROM incidents_incidentreview WHERE incident_id = ANY (doomed);
  DELETE FROM incidents_attachment WHERE incident_id = ANY (doomed);
  DELETE FROM incidents_bodymapmark WHERE incident_id = ANY (doomed);
  DELETE FROM incidents_incidentcategory WHERE incident_id = ANY (doomed);
  DELETE FROM incidents_linkedpupil WHERE incident_id = ANY (doomed);
  DELETE FROM incidents_incidentcorrection WHERE incident_id = ANY (doomed);
  DELETE FROM incidents_action WHERE incident_id = ANY (doomed);
  -- Created by a later migration (0007); PL/pgSQL resolves the name when this runs.
  DELETE FROM incidents_incidentreference WHERE incident_id = ANY (doomed);
  DELETE FROM incidents_incident WHERE id = ANY (doomed);
  PERFORM set_config('{setting}', 'off', true);
  RETURN coalesce(array_length(doomed, 1), 0);
END;
$$
"""


def install_purge_function(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT quote_ident(current_schema())")
        schema = cursor.fetchone()[0]
    sql = PURGE_FUNCTION.format(schema=schema, setting=PURGE_SETTING)
    schema_editor.execute(sql, params=None)  # the SQL holds a literal %
    # Functions are executable by PUBLIC by default; only the roles granted it may.
    schema_editor.execute(
        "REVOKE ALL ON FUNCTION safeguard_purge_pupil_records(bigint) FROM PUBLIC"
    )


def remove_purge_function(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS safeguard_purge_pupil_records(bigint)")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0006_owner_only_purge_and_no_replace"),
        ("incidents", "0004_alert_email_next_attempt"),
    ]

    operations = [
        migrations.RunPython(
            *refuse_replace(
                "incidents_incident",
                "incidents_incidentcategory",
                "incidents_linkedpupil",
                "incidents_action",
                "incidents_bodymapmark",
                "incidents_attachment",
                "incidents_incidentcorrection",
            )
        ),
        migrations.RunPython(install_purge_function, remove_purge_function),
    ]
