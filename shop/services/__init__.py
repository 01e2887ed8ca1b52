"""Shop writes. Import from here: `from shop.services import catalog_import, cart_add, order_place, ...`."""
from shop.services.catalog import (
    CatalogImportError,
    CatalogRow,
    ImportReport,
    PlannedChange,
    RowError,
    catalog_import,
)
from shop.services.hooks import on_products_changed, products_changed_notify

__all__ = [
    "CatalogImportError",
    "CatalogRow",
    "ImportReport",
    "PlannedChange",
    "RowError",
    "catalog_import",
    "on_products_changed",
    "products_changed_notify",
]
