"""Re-read the brand of every product whose brand was read out of its name, with shop.brands.

Before this, the importer took the first word or a listed multi-word brand: "C Vox" was "C", file names
and typos ("Levisi") were brands of their own. A product whose brand is not what that old rule gives for
its name had its brand from a file's brand column or from a merchandiser: it keeps it. Brands left
without products are deleted unless a consent grant or a royalty row names them (those stay, PROTECT).
"""
from __future__ import annotations

from collections import defaultdict

from django.db import migrations
from django.db.models.deletion import ProtectedError
from django.utils.text import slugify


def clean_brands(apps, schema_editor):
    from shop.brands import BrandNormaliser
    from shop.catalog_data import BrandResolver

    Brand = apps.get_model("shop", "Brand")
    Product = apps.get_model("shop", "Product")
    Colour = apps.get_model("shop", "Colour")
    rows = list(Product.objects.values_list("pk", "name", "brand__name"))
    if not rows:
        return
    old = BrandResolver()
    derived = [(pk, name) for pk, name, brand in rows if brand == old.from_name(name)]
    normaliser = BrandNormaliser(colour_names=Colour.objects.values_list("name", flat=True))
    new_names = normaliser.brands_for([name for _, name in derived])
    by_lower = {b.name.lower(): b for b in Brand.objects.all()}
    taken = set(Brand.objects.values_list("slug", flat=True))
    wanted: dict[int, list[int]] = defaultdict(list)
    for (pk, _), brand_name in zip(derived, new_names):
        brand = by_lower.get(brand_name.lower())
        if brand is None:
            base = (slugify(brand_name) or "brand")[:130]
            slug, n = base, 2
            while slug in taken:
                slug, n = f"{base}-{n}", n + 1
            taken.add(slug)
            brand = by_lower[brand_name.lower()] = Brand.objects.create(name=brand_name, slug=slug)
        wanted[brand.pk].append(pk)
    for brand_pk, pks in wanted.items():
        for i in range(0, len(pks), 900):
            Product.objects.filter(pk__in=pks[i:i + 900]).exclude(brand_id=brand_pk).update(brand_id=brand_pk)
    for brand in Brand.objects.filter(products__isnull=True):
        try:
            brand.delete()
        except ProtectedError:
            pass  # a consent grant or a royalty row names it


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0003_product_newest_idx"),
        ("licensing", "0001_initial"),  # the grants and royalty rows that protect a brand are in the state
    ]

    operations = [migrations.RunPython(clean_brands, migrations.RunPython.noop)]
