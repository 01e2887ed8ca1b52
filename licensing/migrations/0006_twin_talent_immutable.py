"""A twin's talent and a talent's user are fixed at creation: the database refuses to change them (issue 20)."""
from django.db import migrations

from licensing.db import drop_immutable_triggers, ensure_immutable_triggers


class Migration(migrations.Migration):
    dependencies = [("licensing", "0005_coverage_token")]
    operations = [migrations.RunPython(ensure_immutable_triggers, drop_immutable_triggers)]
