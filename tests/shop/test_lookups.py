"""shop.lookups: brands, colours and article types kept per process, and when a change shows."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assistant.selectors import products_by_catalog_ids
from shop.lookups import catalogue_lookups
from shop.models import Brand
from tests.factories import ArticleTypeFactory, BrandFactory, ProductFactory, SubCategoryFactory

pytestmark = pytest.mark.django_db


def _brand_of(catalog_id: int) -> str:
    (product,) = products_by_catalog_ids([catalog_id])
    return product.brand.name


def test_a_brand_renamed_in_the_admin_shows_on_the_next_page(admin_client: Client,
                                                             django_capture_on_commit_callbacks) -> None:
    # Given a product whose brand this worker's lookup tables hold
    product = ProductFactory(brand=BrandFactory(name="Old Name"))
    assert _brand_of(product.catalog_id) == "Old Name"

    # When a merchandiser renames the brand through the admin
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/shop/brand/{product.brand_id}/change/",
                                     {"name": "New Name", "slug": "new-name"})

    # Then the change committed bumped the catalogue version, and the next page reads the tables again
    assert response.status_code == 302
    assert _brand_of(product.catalog_id) == "New Name"


def test_an_article_type_moved_in_the_admin_moves_the_product(admin_client: Client,
                                                              django_capture_on_commit_callbacks) -> None:
    # Given a product of an article type under Topwear
    product = ProductFactory(article_type=ArticleTypeFactory(name="Camisoles"))
    innerwear = SubCategoryFactory(name="Innerwear", master=product.article_type.sub_category.master)
    (page,) = products_by_catalog_ids([product.catalog_id])
    assert page.article_type.sub_category.name == "Topwear"

    # When the merchandiser moves the type to Innerwear (a category consents may exclude)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/admin/shop/articletype/{product.article_type_id}/change/",
                          {"name": "Camisoles", "slug": "camisoles", "sub_category": innerwear.pk})

    # Then the product is read under its new category at once
    (page,) = products_by_catalog_ids([product.catalog_id])
    assert page.article_type.sub_category.name == "Innerwear"


def test_a_brand_created_after_the_tables_were_read_is_found_in_one_more_read() -> None:
    # Given lookup tables read before the brand existed
    catalogue_lookups()
    product = ProductFactory(brand=BrandFactory(name="Brand New"))

    # When a page shows its product
    with CaptureQueriesContext(connection) as queries:
        (page,) = products_by_catalog_ids([product.catalog_id])
        name = page.brand.name

    # Then the tables were read again (three statements) besides the page's two, and nothing loaded lazily
    assert name == "Brand New"
    assert len(queries) == 2 + 3


def test_a_change_without_a_version_bump_shows_once_the_tables_are_old(settings) -> None:
    # Given a rename that bypassed the admin and the import (no catalogue version bump)
    product = ProductFactory(brand=BrandFactory(name="Before"))
    assert _brand_of(product.catalog_id) == "Before"
    Brand.objects.filter(pk=product.brand_id).update(name="After")

    # Then a worker keeps its copy while it is younger than SHOP_LOOKUPS_MAX_AGE_SECONDS, and reads it again after
    settings.SHOP_LOOKUPS_MAX_AGE_SECONDS = 3600
    assert _brand_of(product.catalog_id) == "Before"
    settings.SHOP_LOOKUPS_MAX_AGE_SECONDS = 0
    assert _brand_of(product.catalog_id) == "After"
