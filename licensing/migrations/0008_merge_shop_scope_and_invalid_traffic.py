"""Joins two branches of work that each added a 0007: shop-wide consent scope and the invalid-traffic reason."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("licensing", "0007_consent_shop_scope"),
        ("licensing", "0007_royalty_invalid_traffic_reason"),
    ]
    operations = []
