"""Shop writes. Import from here: `from shop.services import catalog_import, cart_add, order_place, ...`.

- catalogue import: shop/services/catalog/ (rows, lookups, plan; the entry point in __init__.py)
- cart (in the session): shop/services/cart.py
- orders (checkout, status changes): shop/services/orders.py
- products-changed callbacks for other apps (e.g. the assistant's index): shop/services/hooks.py
"""
from shop.services.cart import (
    Cart,
    CartError,
    CartLine,
    cart_add,
    cart_clear,
    cart_get,
    cart_remove,
    cart_update,
)
from shop.services.catalog import (
    CatalogImportError,
    CatalogRow,
    ImportReport,
    PlannedChange,
    RowError,
    catalog_import,
)
from shop.services.hooks import on_products_changed, products_changed_notify
from shop.services.orders import (
    ALLOWED_TRANSITIONS,
    OrderError,
    order_number_new,
    order_place,
    order_set_status,
)
from shop.services.products import products_changed, products_set_published

__all__ = [
    "ALLOWED_TRANSITIONS",
    "Cart",
    "CartError",
    "CartLine",
    "CatalogImportError",
    "CatalogRow",
    "ImportReport",
    "OrderError",
    "PlannedChange",
    "RowError",
    "cart_add",
    "cart_clear",
    "cart_get",
    "cart_remove",
    "cart_update",
    "catalog_import",
    "on_products_changed",
    "order_number_new",
    "order_place",
    "order_set_status",
    "products_changed",
    "products_changed_notify",
    "products_set_published",
]
