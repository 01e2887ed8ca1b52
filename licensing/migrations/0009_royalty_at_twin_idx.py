"""The fair-exposure weights and the admin concentration page count views per twin over a period."""
from django.db import migrations, models

from licensing.db import ensure_triggers


class Migration(migrations.Migration):

    dependencies = [
        ('licensing', '0008_merge_shop_scope_and_invalid_traffic'),
        ('shop', '0007_info_pages_default'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='royaltyevent',
            index=models.Index(fields=['at', 'twin'], name='royalty_at_twin_idx'),
        ),
        # CREATE INDEX rebuilds nothing, but the ledger's rule is that a migration touching it ends so (idempotent).
        migrations.RunPython(ensure_triggers, migrations.RunPython.noop),
    ]
