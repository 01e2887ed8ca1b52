"""Brands made only of colour words, re-read: the normaliser of 0004 cut "Red Rose" to "Red".

Only products whose brand the normaliser now reads as a longer name starting with their current brand move
("Red" -> "Red Rose"); a brand a merchandiser or a file gave is not a cut-down prefix of the product's own
name's brand and stays. The short brand is deleted when nothing uses it, unless a grant or a royalty row names
it (PROTECT).
"""
from __future__ import annotations

from django.db import migrations
from django.db.models.deletion import ProtectedError
from django.utils.text import slugify


def lengthen_colour_word_brands(apps, schema_editor):
    from shop.brands import BrandNormaliser

    Brand = apps.get_model("shop", "Brand")
    Product = apps.get_model("shop", "Product")
    Colour = apps.get_model("shop", "Colour")
    rows = list(Product.objects.values_list("pk", "name", "brand__name"))
    if not rows:
        return
    normaliser = BrandNormaliser(colour_names=Colour.objects.values_list("name", flat=True))
    read = normaliser.brands_for([name for _, name, _ in rows])
    moves = [(pk, old, new) for (pk, _, old), new in zip(rows, read)
             if new != old and new.lower().startswith(f"{old.lower()} ")]
    by_lower = {b.name.lower(): b for b in Brand.objects.all()}
    taken = set(Brand.objects.values_list("slug", flat=True))
    for pk, old, new in moves:
        brand = by_lower.get(new.lower())
        if brand is None:
            base = (slugify(new) or "brand")[:130]
            slug, n = base, 2
            while slug in taken:
                slug, n = f"{base}-{n}", n + 1
            taken.add(slug)
            brand = by_lower[new.lower()] = Brand.objects.create(name=new, slug=slug)
        Product.objects.filter(pk=pk).update(brand_id=brand.pk)
    for name in {old for _, old, _ in moves}:
        for brand in Brand.objects.filter(name=name, products__isnull=True):
            try:
                brand.delete()
            except ProtectedError:
                pass  # a consent grant or a royalty row names it


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0007_info_pages_default"),
        ("licensing", "0001_initial"),
    ]

    operations = [migrations.RunPython(lengthen_colour_word_brands, migrations.RunPython.noop)]
