"""Append-only ledger: the database itself refuses UPDATE/DELETE on royalty, consent-event and denial rows."""
from django.db import migrations


def forwards(apps, schema_editor):
    from licensing.db import forward_sql

    for statement in forward_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    from licensing.db import reverse_sql

    for statement in reverse_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("licensing", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
